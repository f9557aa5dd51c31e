// nas/topk.ts: the top-K phase (CLUSTER'21, section V): the K best candidates of a finished
// search are trained fully, once from their NAS checkpoint and once from scratch with the
// same seed and data, both with early stopping; each training is journaled as a TopKRecord
// and the ratio scratch/checkpoint of epochs and time says how much training the transfer
// saved. The trainings run on TopKActors across every rank, the same locally and under
// mpirun; trainings already in the journal are not run again, so the phase resumes.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { init, type Remote, type Runtime } from '../runtime/index.js';
import { openTransport } from '../transport/index.js';
import { log, setLogFields } from '../util/log.js';
import { resolveSearchSpace } from './builtin-spaces.js';
import { JournalError } from './errors.js';
import type { EvaluationRecord, JournalRecord, TopKRecord } from './evaluation-record.js';
import { Journal, readJournal } from './journal.js';
import { loadSearchData, type DataRequest } from './load-data.js';
import { kConfigFile, kJournalFile } from './run-files.js';
import type { SearchOptions } from './search-options.js';
import { spawnOnEveryRank } from './spawn-actors.js';
import { toArchitecture } from './to-architecture.js';
import type { TopKActor, TopKActorArgs, TopKJob } from './topk-actor.js';

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
  /** Actors per rank; 0 (default): one per GPU, 1 without GPUs. */
  actorsPerRank?: number;
  /** Driver only: called after each model is trained. */
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
  /** Candidates whose pair is incomplete because a training failed on every try. */
  failed: number[];
}

const kActorModule = new URL('./topk-actor.js', import.meta.url);
const kMaxAttempts = 3;

/** Runs the phase; resolves with the result on the driver and null on every other rank. */
export async function runTopK(o: TopKOptions): Promise<TopKResult | null> {
  // Checked on every rank before the job starts, so a bad directory stops every rank alike.
  const search = readConfig(o.dir);
  const { records, validLength } = readJournal(join(o.dir, kJournalFile));
  const best = bestCandidates(records, o.k, join(o.dir, kJournalFile));
  const transport = await openTransport();
  setLogFields({ rank: transport.rank });
  const runtime = await init({ transport });
  if (!runtime.isDriver) {
    await runtime.serve();
    return null;
  }
  try {
    return await drive(o, search, records, validLength, best, runtime);
  } finally {
    await runtime.shutdown();
  }
}

async function drive(o: TopKOptions, search: SearchOptions, records: JournalRecord[], validLength: number, best: EvaluationRecord[], runtime: Runtime): Promise<TopKResult> {
  const data: DataRequest = {
    data: search.data,
    task: search.task ?? 'classification',
    trainSize: o.trainSize ?? search.trainSize,
    valSize: o.valSize ?? search.valSize,
    testSize: o.testSize ?? o.valSize ?? search.valSize,
    seed: search.seed,
  };
  const dataset = await loadSearchData(data);
  const space = resolveSearchSpace(search.space);
  const shape = { inputShape: dataset.featureShape, output: { units: dataset.outputUnits, task: dataset.task } };
  const done = new Map<string, TopKRecord>();
  for (const r of records) if (r.kind === 'topk') done.set(`${r.id}/${r.start}`, r);
  const queue: Array<TopKJob & { attempts: number }> = [];
  for (const e of best) {
    for (const start of ['checkpoint', 'scratch'] as const) {
      if (!done.has(`${e.id}/${start}`)) queue.push({ id: e.id, start, architecture: toArchitecture(space, e.arch, shape), attempts: 0 });
    }
  }
  const journal = new Journal(join(o.dir, kJournalFile), validLength);
  try {
    if (queue.length > 0) {
      const args: TopKActorArgs = {
        data,
        backend: o.backend ?? search.backend ?? null,
        out: o.dir,
        training: { maxEpochs: o.maxEpochs, patience: o.patience, minDelta: o.minDelta, batchSize: search.batchSize, learningRate: search.learningRate, seed: search.seed },
      };
      const actors = await spawnOnEveryRank(runtime, {
        perRank: o.actorsPerRank ?? 0,
        kind: 'top-K',
        limit: queue.length,
        start: async ({ rank, resources }) => {
          const actor: Remote<TopKActor> = await runtime.spawn<TopKActor>(kActorModule, 'TopKActor', [args], { rank, resources, maxRestarts: 1 });
          await actor.ready();
          return actor;
        },
      });
      // Each actor takes the next training as it finishes one; a training whose actor died
      // goes back to the queue for any actor, up to kMaxAttempts tries.
      await Promise.all(
        actors.map(async (actor) => {
          let deaths = 0;
          for (let job = queue.shift(); job; job = queue.shift()) {
            try {
              const record = await actor.train({ id: job.id, start: job.start, architecture: job.architecture });
              journal.append(record);
              done.set(`${record.id}/${record.start}`, record);
              o.onRecord?.(record);
            } catch (err) {
              log('warn', 'topk.training.error', { id: job.id, start: job.start, attempt: job.attempts, error: err });
              if (++job.attempts < kMaxAttempts) queue.push(job);
              // An actor that died twice (past its restart) leaves the rest to the others.
              if ((err as { code?: unknown }).code === 'ERR_ACTOR_DIED' && ++deaths >= 2) return;
            }
          }
        }),
      );
    }
  } finally {
    journal.close();
  }
  const pairs: TopKPairResult[] = [];
  const failed: number[] = [];
  for (const e of best) {
    const checkpoint = done.get(`${e.id}/checkpoint`);
    const scratch = done.get(`${e.id}/scratch`);
    if (checkpoint && scratch) pairs.push({ id: e.id, searchScore: e.score, checkpoint, scratch });
    else failed.push(e.id);
  }
  const mean = (xs: number[]): number => (xs.length === 0 ? Number.NaN : xs.reduce((a, b) => a + b, 0) / xs.length);
  return {
    pairs,
    epochRatio: mean(pairs.map((p) => p.scratch.epochs / p.checkpoint.epochs)),
    timeRatio: mean(pairs.map((p) => p.scratch.seconds / Math.max(p.checkpoint.seconds, 1e-9))),
    failed,
  };
}

function bestCandidates(records: JournalRecord[], k: number, file: string): EvaluationRecord[] {
  const evaluations = records.filter((r): r is EvaluationRecord => r.kind === 'evaluation' && Number.isFinite(r.score));
  if (evaluations.length === 0) throw new JournalError(`${file} has no evaluated candidate to train`, { details: { file } });
  return [...evaluations].sort((a, b) => b.score - a.score || a.id - b.id).slice(0, k);
}

function readConfig(dir: string): SearchOptions {
  const file = join(dir, kConfigFile);
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as SearchOptions;
  } catch (cause) {
    throw new JournalError(`${dir} is not a search run directory: cannot read ${kConfigFile}`, { cause, details: { file } });
  }
}
