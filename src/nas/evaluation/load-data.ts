// nas/evaluation/load-data.ts: the dataset a search trains on, from its `--data` argument: 'mnist',
// 'fashion-mnist', 'synthetic', a CSV file (label in the last column), or two .npy files 'X.npy,Y.npy'. Train
// and validation are cut to the search's sizes; loads are seeded, so every actor on every
// rank sees the same samples.

import { existsSync } from 'node:fs';
import { InvalidArgumentError } from '../../errors.js';
import type { TaskKind, DataSplit, Dataset } from '../../train/index.js';
import { checkIdxImages, loadCsvDataset, loadIdxImages, loadNpyDataset, makeSyntheticDataset } from '../../train/index.js';

export interface DataRequest {
  data: string;
  task: TaskKind;
  trainSize: number;
  valSize: number;
  testSize: number;
  seed: number;
}

type DataSource =
  | { kind: 'mnist' | 'fashion-mnist' | 'synthetic' }
  | { kind: 'csv'; path: string }
  | { kind: 'npy'; features: string; labels: string };

/** What a `--data` argument names; refuses one of no known form. */
function dataSource(data: string): DataSource {
  if (data === 'mnist' || data === 'fashion-mnist' || data === 'synthetic') return { kind: data };
  if (data.endsWith('.csv')) return { kind: 'csv', path: data };
  if (/\.npy,.+\.npy$/.test(data)) {
    const [features, labels] = data.split(',') as [string, string];
    return { kind: 'npy', features, labels };
  }
  throw new InvalidArgumentError(`--data must be mnist, fashion-mnist, synthetic, a .csv file or 'X.npy,Y.npy', got '${data}'`, { details: { option: 'data', value: data } });
}

/**
 * Checks the form of a `--data` argument and that its files exist, without reading them; an
 * image set that is not installed fails with the DatasetError that says how to install it.
 */
export function checkDataSpec(data: string): void {
  const source = dataSource(data);
  if (source.kind === 'mnist' || source.kind === 'fashion-mnist') checkIdxImages(source.kind);
  const files = source.kind === 'csv' ? [source.path] : source.kind === 'npy' ? [source.features, source.labels] : [];
  for (const f of files) {
    if (!existsSync(f)) throw new InvalidArgumentError(`--data: no file ${f}`, { details: { option: 'data', file: f } });
  }
}

export async function loadSearchData(r: DataRequest): Promise<Dataset> {
  const source = dataSource(r.data);
  let dataset: Dataset;
  switch (source.kind) {
    case 'mnist':
    case 'fashion-mnist':
      return loadIdxImages(source.kind, { trainSize: r.trainSize, validationSize: r.valSize, testSize: Math.min(r.testSize, 10000), seed: r.seed });
    case 'synthetic': {
      const samples = r.trainSize + r.valSize + r.testSize;
      dataset = makeSyntheticDataset({
        task: r.task,
        samples,
        validationFraction: r.valSize / samples,
        testFraction: r.testSize / samples,
        seed: r.seed,
      });
      break;
    }
    case 'csv':
      dataset = await loadCsvDataset({ path: source.path, task: r.task, seed: r.seed });
      break;
    case 'npy':
      dataset = await loadNpyDataset({ features: source.features, labels: source.labels, task: r.task, seed: r.seed });
      break;
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
