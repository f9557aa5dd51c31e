// nas/load-data.ts: the dataset a search trains on, from its `--data` argument: 'mnist',
// 'synthetic', a CSV file (label in the last column), or two .npy files 'X.npy,Y.npy'. Train
// and validation are cut to the search's sizes; loads are seeded, so every actor on every
// rank sees the same samples.

import { existsSync } from 'node:fs';
import { InvalidArgumentError } from '../errors.js';
import type { TaskKind, DataSplit, Dataset } from '../train/index.js';
import { loadCsvDataset, loadMnist, loadNpyDataset, makeSyntheticDataset } from '../train/index.js';

export interface DataRequest {
  data: string;
  task: TaskKind;
  trainSize: number;
  valSize: number;
  testSize: number;
  seed: number;
}

/** Checks the form of a `--data` argument and that its files exist, without reading them. */
export function checkDataSpec(data: string): void {
  if (data === 'mnist' || data === 'synthetic') return;
  const files = data.endsWith('.csv') ? [data] : /\.npy,.+\.npy$/.test(data) ? data.split(',') : null;
  if (!files) {
    throw new InvalidArgumentError(`--data must be mnist, synthetic, a .csv file or 'X.npy,Y.npy', got '${data}'`, { details: { option: 'data', value: data } });
  }
  for (const f of files) {
    if (!existsSync(f)) throw new InvalidArgumentError(`--data: no file ${f}`, { details: { option: 'data', file: f } });
  }
}

export async function loadSearchData(r: DataRequest): Promise<Dataset> {
  let dataset: Dataset;
  if (r.data === 'mnist') {
    return loadMnist({ trainSize: r.trainSize, validationSize: r.valSize, testSize: Math.min(r.testSize, 10000), seed: r.seed });
  } else if (r.data === 'synthetic') {
    const samples = r.trainSize + r.valSize + r.testSize;
    dataset = makeSyntheticDataset({
      task: r.task,
      samples,
      validationFraction: r.valSize / samples,
      testFraction: r.testSize / samples,
      seed: r.seed,
    });
  } else if (r.data.endsWith('.csv')) {
    dataset = await loadCsvDataset({ path: r.data, task: r.task, seed: r.seed });
  } else if (/\.npy,.+\.npy$/.test(r.data)) {
    const [features, labels] = r.data.split(',') as [string, string];
    dataset = await loadNpyDataset({ features, labels, task: r.task, seed: r.seed });
  } else {
    throw new InvalidArgumentError(`--data must be mnist, synthetic, a .csv file or 'X.npy,Y.npy', got '${r.data}'`, { details: { option: 'data', value: r.data } });
  }
  return {
    ...dataset,
    train: limit(dataset.train, r.trainSize),
    validation: limit(dataset.validation, r.valSize),
    test: limit(dataset.test, r.testSize),
  };
}

function limit(split: DataSplit, n: number): DataSplit {
  if (split.count <= n) return split;
  const fx = split.x.length / split.count;
  const fy = split.y.length / split.count;
  return { x: split.x.subarray(0, n * fx), y: split.y.subarray(0, n * fy), count: n };
}
