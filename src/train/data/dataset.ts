// train/data/dataset.ts: the common Dataset type every loader returns, and the shared steps
// loaders use: seeded split into train/validation/test, label checks and feature
// normalisation fitted on the training split. Plain typed arrays, no tensors: a Dataset can
// cross a worker boundary (or sit in a SharedArrayBuffer) and never leaks tfjs memory.

import type { TaskKind } from '../architecture.js';
import { DatasetError } from '../errors.js';
import { seededPermutation } from '../rng.js';

export interface DataSplit {
  /** Features, row-major: `count` samples of `featureShape`. */
  x: Float32Array;
  /** Class indices (classification) or `count × outputUnits` targets (regression). */
  y: Int32Array | Float32Array;
  count: number;
}

export interface Dataset {
  name: string;
  task: TaskKind;
  /** Shape of one sample, without the batch dimension. */
  featureShape: number[];
  /** Number of classes for classification; 0 for regression. */
  numClasses: number;
  /** Units the model's output head needs: the classes, or the regression targets. */
  outputUnits: number;
  train: DataSplit;
  validation: DataSplit;
  test: DataSplit;
}

export type Normalization = 'none' | 'standard' | 'minmax';

export interface SplitOptions {
  /** Fraction of samples held out for validation (default 0.1) and test (default 0.1). */
  validationFraction?: number;
  testFraction?: number;
  /** Seed of the shuffle before splitting (default 0). */
  seed?: number;
  /** Per-feature normalisation fitted on the training split (default 'standard'). */
  normalize?: Normalization;
}

/** All samples of a file, before splitting. */
export interface Samples {
  x: Float32Array;
  y: Int32Array | Float32Array;
  count: number;
}

/**
 * A copy of `dataset` whose arrays live in SharedArrayBuffers: posting it to worker threads
 * then shares the memory instead of copying it, so N training actors hold one copy of the data.
 */
export function shareDataset(dataset: Dataset): Dataset {
  const share = (split: DataSplit): DataSplit => ({ x: shared(split.x), y: shared(split.y), count: split.count });
  return { ...dataset, featureShape: [...dataset.featureShape], train: share(dataset.train), validation: share(dataset.validation), test: share(dataset.test) };
}

function shared<T extends Float32Array | Int32Array>(array: T): T {
  const copy = new (array.constructor as new (buffer: SharedArrayBuffer) => T)(new SharedArrayBuffer(array.byteLength));
  copy.set(array);
  return copy;
}

/** Shuffles `samples` with a seed and cuts them into train, validation and test. */
export function splitSamples(samples: Samples, options: SplitOptions, source: string): [DataSplit, DataSplit, DataSplit] {
  const validationFraction = options.validationFraction ?? 0.1;
  const testFraction = options.testFraction ?? 0.1;
  for (const [name, value] of [['validationFraction', validationFraction], ['testFraction', testFraction]] as const) {
    if (!(value >= 0 && value < 1)) throw new DatasetError(`${name} must be in [0, 1), got ${value}`, { details: { file: source, option: name } });
  }
  const sizes = (n: number): [number, number, number] => {
    const v = Math.round(n * validationFraction);
    const t = Math.round(n * testFraction);
    return [n - v - t, v, t];
  };
  const usable = ([train, validation]: [number, number, number]): boolean => train >= 1 && (validationFraction === 0 || validation >= 1);
  const [nTrain, nValidation] = sizes(samples.count);
  if (!usable(sizes(samples.count))) {
    // Refused here, at load time, rather than by every candidate failing for want of a validation sample.
    let minimum = samples.count + 1;
    while (!usable(sizes(minimum))) minimum++;
    throw new DatasetError(`${source}: ${samples.count} sample(s) cannot be split into training and validation; at least ${minimum} are needed`, {
      details: { file: source, count: samples.count, minimum },
    });
  }
  const order = seededPermutation(samples.count, options.seed ?? 0);
  return [
    take(samples, order.subarray(0, nTrain)),
    take(samples, order.subarray(nTrain, nTrain + nValidation)),
    take(samples, order.subarray(nTrain + nValidation)),
  ];
}

/** The samples at `indices`, copied into a new split. */
export function take(samples: Samples, indices: ArrayLike<number>): DataSplit {
  const featureSize = samples.count === 0 ? 0 : samples.x.length / samples.count;
  const targetSize = samples.count === 0 ? 0 : samples.y.length / samples.count;
  const x = new Float32Array(indices.length * featureSize);
  const y = samples.y instanceof Int32Array ? new Int32Array(indices.length * targetSize) : new Float32Array(indices.length * targetSize);
  for (let i = 0; i < indices.length; i++) {
    const j = indices[i];
    x.set(samples.x.subarray(j * featureSize, (j + 1) * featureSize), i * featureSize);
    y.set(samples.y.subarray(j * targetSize, (j + 1) * targetSize), i * targetSize);
  }
  return { x, y, count: indices.length };
}

/** Fits per-feature statistics on `fit` and applies them, in place, to every split given. */
export function normalizeSplits(kind: Normalization, featureSize: number, fit: DataSplit, splits: DataSplit[]): void {
  if (kind === 'none' || fit.count === 0) return;
  const shift = new Float64Array(featureSize);
  const scale = new Float64Array(featureSize).fill(1);
  if (kind === 'standard') {
    const sum = new Float64Array(featureSize);
    const sumSq = new Float64Array(featureSize);
    for (let i = 0; i < fit.x.length; i++) {
      const f = i % featureSize;
      sum[f] += fit.x[i];
      sumSq[f] += fit.x[i] * fit.x[i];
    }
    for (let f = 0; f < featureSize; f++) {
      const mean = sum[f] / fit.count;
      const std = Math.sqrt(Math.max(0, sumSq[f] / fit.count - mean * mean));
      shift[f] = mean;
      scale[f] = std > 1e-12 ? std : 1;
    }
  } else {
    const min = new Float64Array(featureSize).fill(Infinity);
    const max = new Float64Array(featureSize).fill(-Infinity);
    for (let i = 0; i < fit.x.length; i++) {
      const f = i % featureSize;
      if (fit.x[i] < min[f]) min[f] = fit.x[i];
      if (fit.x[i] > max[f]) max[f] = fit.x[i];
    }
    for (let f = 0; f < featureSize; f++) {
      shift[f] = min[f];
      scale[f] = max[f] - min[f] > 1e-12 ? max[f] - min[f] : 1;
    }
  }
  for (const split of splits) {
    for (let i = 0; i < split.x.length; i++) {
      const f = i % featureSize;
      split.x[i] = (split.x[i] - shift[f]) / scale[f];
    }
  }
}

/** Throws unless every label is an integer class in [0, numClasses). */
export function checkLabels(labels: Int32Array, numClasses: number, source: string): void {
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] < 0 || labels[i] >= numClasses) {
      throw new DatasetError(`${source}: label ${labels[i]} of sample ${i} is outside [0, ${numClasses})`, {
        details: { file: source, sample: i, label: labels[i], numClasses },
      });
    }
  }
}

/** The number of classes implied by the labels (largest + 1). */
export function classCount(labels: Int32Array): number {
  let max = -1;
  for (let i = 0; i < labels.length; i++) if (labels[i] > max) max = labels[i];
  return max + 1;
}

export function checkNormalization(value: unknown, source: string): Normalization {
  if (value === undefined) return 'standard';
  if (value === 'none' || value === 'standard' || value === 'minmax') return value;
  throw new DatasetError(`normalize must be 'none', 'standard' or 'minmax', got '${String(value)}'`, {
    details: { file: source, option: 'normalize' },
  });
}
