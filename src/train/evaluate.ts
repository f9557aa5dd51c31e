// train/evaluate.ts: scores a model on one split of a dataset without training it: loss plus
// accuracy (classification) or R² (regression). Predictions come back in batches and are
// scored in plain JavaScript, so nothing but one batch is ever held as tensors.

import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError } from '../errors.js';
import type { DataSplit, Dataset } from './data/dataset.js';

export interface Evaluation {
  loss: number;
  /** Accuracy in [0, 1] for classification, R² for regression (higher is better). */
  score: number;
}

const kEvalBatch = 512;
const kEpsilon = 1e-7;

/** Scores `model` on `split` of `dataset` (default the test split). */
export function evaluateModel(model: tf.LayersModel, dataset: Dataset, split: 'train' | 'validation' | 'test' = 'test'): Evaluation {
  if (split !== 'train' && split !== 'validation' && split !== 'test') {
    throw new InvalidArgumentError(`split must be 'train', 'validation' or 'test', got '${String(split)}'`, { details: { option: 'split' } });
  }
  return evaluateSplit(model, dataset, dataset[split]);
}

export function evaluateSplit(model: tf.LayersModel, dataset: Dataset, data: DataSplit): Evaluation {
  if (data.count === 0) return { loss: Number.NaN, score: Number.NaN };
  const inputShape = (model.inputs[0].shape as number[]).slice(1);
  const featureSize = data.x.length / data.count;
  const units = dataset.outputUnits;
  const classification = dataset.task === 'classification';
  let lossSum = 0;
  let correct = 0;
  let residual = 0;
  const mean = classification ? undefined : targetMeans(data, units);
  for (let start = 0; start < data.count; start += kEvalBatch) {
    const n = Math.min(kEvalBatch, data.count - start);
    const out = tf.tidy(() => {
      const x = tf.tensor(data.x.slice(start * featureSize, (start + n) * featureSize), [n, ...inputShape]);
      return (model.predict(x) as tf.Tensor).dataSync();
    });
    for (let i = 0; i < n; i++) {
      const row = out.subarray(i * units, (i + 1) * units);
      if (classification) {
        const label = data.y[start + i];
        lossSum -= Math.log(Math.min(1 - kEpsilon, Math.max(kEpsilon, row[label])));
        let best = 0;
        for (let u = 1; u < units; u++) if (row[u] > row[best]) best = u;
        if (best === label) correct++;
      } else {
        for (let u = 0; u < units; u++) {
          const d = row[u] - data.y[(start + i) * units + u];
          residual += d * d;
        }
      }
    }
  }
  if (classification) return { loss: lossSum / data.count, score: correct / data.count };
  let total = 0;
  for (let i = 0; i < data.count; i++) {
    for (let u = 0; u < units; u++) {
      const d = data.y[i * units + u] - mean![u];
      total += d * d;
    }
  }
  // R² over all targets; a constant target (no variance) scores 0 rather than dividing by 0.
  return { loss: residual / (data.count * units), score: total > 0 ? 1 - residual / total : 0 };
}

function targetMeans(data: DataSplit, units: number): Float64Array {
  const mean = new Float64Array(units);
  for (let i = 0; i < data.count; i++) for (let u = 0; u < units; u++) mean[u] += data.y[i * units + u];
  for (let u = 0; u < units; u++) mean[u] /= data.count;
  return mean;
}
