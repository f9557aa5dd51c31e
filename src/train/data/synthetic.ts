// train/data/synthetic.ts: small generated tasks for fast tests and smoke runs. Classification:
// Gaussian clusters around seeded random centres; regression: a seeded random linear map plus
// a mild non-linearity and noise. Everything repeats from the seed.

import type { TaskKind } from '../architecture.js';
import { DatasetError } from '../errors.js';
import { seededRandom } from '../../util/seeded-random.js';
import { splitSamples, type Dataset, type SplitOptions } from './dataset.js';

export interface SyntheticOptions extends Omit<SplitOptions, 'normalize'> {
  task?: TaskKind;
  /** Total samples before splitting (default 1,000). */
  samples?: number;
  /** Shape of one sample (default [16]). */
  featureShape?: number[];
  /** Classes (classification, default 4) or targets (regression, default 1). */
  outputs?: number;
  /** Standard deviation of the noise (default 0.5 for clusters, 0.05 for regression). */
  noise?: number;
}

export function makeSyntheticDataset(options: SyntheticOptions = {}): Dataset {
  const task = options.task ?? 'classification';
  const samples = options.samples ?? 1000;
  const featureShape = options.featureShape ?? [16];
  const outputs = options.outputs ?? (task === 'classification' ? 4 : 1);
  const noise = options.noise ?? (task === 'classification' ? 0.5 : 0.05);
  const seed = options.seed ?? 0;
  const positive = (v: number): boolean => Number.isInteger(v) && v > 0;
  if (!positive(samples) || !featureShape.every(positive) || !positive(outputs) || !(noise >= 0) || (task !== 'classification' && task !== 'regression')) {
    throw new DatasetError('synthetic options need a task, positive integer samples, featureShape and outputs, and noise >= 0', {
      details: { file: 'synthetic', options },
    });
  }
  const features = featureShape.reduce((a, b) => a * b, 1);
  const rand = seededRandom(seed);
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const x = new Float32Array(samples * features);
  let y: Int32Array | Float32Array;
  if (task === 'classification') {
    const centres = Float32Array.from({ length: outputs * features }, () => 2 * gauss());
    y = new Int32Array(samples);
    for (let i = 0; i < samples; i++) {
      const c = Math.floor(rand() * outputs);
      y[i] = c;
      for (let f = 0; f < features; f++) x[i * features + f] = centres[c * features + f] + noise * gauss();
    }
  } else {
    const weights = Float32Array.from({ length: outputs * features }, () => gauss() / Math.sqrt(features));
    y = new Float32Array(samples * outputs);
    for (let i = 0; i < samples; i++) {
      for (let f = 0; f < features; f++) x[i * features + f] = gauss();
      for (let o = 0; o < outputs; o++) {
        let s = 0;
        for (let f = 0; f < features; f++) s += weights[o * features + f] * x[i * features + f];
        y[i * outputs + o] = s + 0.3 * Math.tanh(s) + noise * gauss();
      }
    }
  }
  const [train, validation, test] = splitSamples({ x, y, count: samples }, options, 'synthetic');
  return {
    name: `synthetic-${task}`,
    task,
    featureShape: [...featureShape],
    numClasses: task === 'classification' ? outputs : 0,
    outputUnits: outputs,
    train,
    validation,
    test,
  };
}
