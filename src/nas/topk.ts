// nas/topk.ts: the top-K phase (CLUSTER'21, section V): the K best candidates of a finished
// search are trained fully, once from their NAS checkpoint and once from scratch with the
// same seed and data, both with early stopping; each run is journaled as a TopKRecord and
// the ratio scratch/checkpoint of epochs and time says how much training the transfer saved.
// Pairs already in the journal are not trained again, so an interrupted phase resumes.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { buildModel, evaluateModel, loadModel, selectBackend, trainModel } from '../train/index.js';
import type { Dataset } from '../train/data/dataset.js';
import { resolveSearchSpace } from './builtin-spaces.js';
import { JournalError } from './errors.js';
import type { EvaluationRecord, TopKRecord } from './evaluation-record.js';
import { Journal, readJournal } from './journal.js';
import { loadSearchData } from './load-data.js';
import type { SearchOptions } from './search-options.js';
import { checkpointDir, kConfigFile, kJournalFile } from './run-files.js';
import { toArchitecture } from './to-architecture.js';

export interface TopKOptions {
  /** The search's run directory. */
  dir: string;
  k: number;
  maxEpochs: number;
  patience: number;
  minDelta: number;
  /** Data sizes for the full training; default: the search's, test as large as validation. */
  trainSize?: number;
  valSize?: number;
  testSize?: number;
  backend?: string | null;
  /** Called after each model is trained. */
  onRecord?(record: TopKRecord): void;
}

export interface TopKPairResult {
  id: number;
  searchScore: number;
  checkpoint: TopKRecord;
  scratch: TopKRecord;
}

export interface TopKResult {
  pairs: TopKPairResult[];
  /** Mean over pairs of scratch epochs / checkpoint epochs, and of the time. */
  epochRatio: number;
  timeRatio: number;
}

export async function runTopK(o: TopKOptions): Promise<TopKResult> {
  const search = readConfig(o.dir);
  const file = join(o.dir, kJournalFile);
  const { records, validLength } = readJournal(file);
  const evaluations = records.filter((r): r is EvaluationRecord => r.kind === 'evaluation' && Number.isFinite(r.score));
  if (evaluations.length === 0) throw new JournalError(`${file} has no evaluated candidate to train`, { details: { file } });
  const best = [...evaluations].sort((a, b) => b.score - a.score || a.id - b.id).slice(0, o.k);
  const done = new Map<string, TopKRecord>();
  for (const r of records) if (r.kind === 'topk') done.set(`${r.id}/${r.start}`, r);

  await selectBackend(o.backend ?? search.backend ?? undefined);
  const dataset = await loadSearchData({
    data: search.data,
    task: search.task ?? 'classification',
    trainSize: o.trainSize ?? search.trainSize,
    valSize: o.valSize ?? search.valSize,
    testSize: o.testSize ?? o.valSize ?? search.valSize,
    seed: search.seed,
  });
  const space = resolveSearchSpace(search.space);
  const journal = new Journal(file, validLength);
  const pairs: TopKPairResult[] = [];
  try {
    for (const e of best) {
      const run = async (start: TopKRecord['start'], make: () => Promise<tf.LayersModel>): Promise<TopKRecord> => {
        const previous = done.get(`${e.id}/${start}`);
        if (previous) return previous;
        const record = await trainOne(await make(), dataset, e.id, start, search, o);
        journal.append(record);
        o.onRecord?.(record);
        return record;
      };
      const checkpoint = await run('checkpoint', () => loadModel(checkpointDir(o.dir, e.id)));
      const architecture = toArchitecture(space, e.arch, { inputShape: dataset.featureShape, output: { units: dataset.outputUnits, task: dataset.task } });
      const scratch = await run('scratch', async () => buildModel(architecture, { seed: search.seed }));
      pairs.push({ id: e.id, searchScore: e.score, checkpoint, scratch });
    }
  } finally {
    journal.close();
  }
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  return {
    pairs,
    epochRatio: mean(pairs.map((p) => p.scratch.epochs / p.checkpoint.epochs)),
    timeRatio: mean(pairs.map((p) => p.scratch.seconds / Math.max(p.checkpoint.seconds, 1e-9))),
  };
}

async function trainOne(model: tf.LayersModel, dataset: Dataset, id: number, start: TopKRecord['start'], search: SearchOptions, o: TopKOptions): Promise<TopKRecord> {
  try {
    const result = await trainModel(model, dataset, {
      epochs: o.maxEpochs,
      batchSize: search.batchSize,
      learningRate: search.learningRate,
      seed: search.seed,
      earlyStopping: { patience: o.patience, minDelta: o.minDelta, restoreBest: true },
    });
    return {
      kind: 'topk',
      id,
      start,
      epochs: result.epochs.length,
      seconds: result.seconds,
      testScore: evaluateModel(model, dataset, 'test').score,
      curve: result.epochs.map((m) => m.valScore),
    };
  } finally {
    model.dispose();
  }
}

function readConfig(dir: string): SearchOptions {
  const file = join(dir, kConfigFile);
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as SearchOptions;
  } catch (cause) {
    throw new JournalError(`${dir} is not a search run directory: cannot read ${kConfigFile}`, { cause, details: { file } });
  }
}
