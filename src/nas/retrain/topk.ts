// nas/retrain/topk.ts: the top-K phase (CLUSTER'21, section V): the K best distinct architectures of
// a finished search are trained fully, once from their NAS checkpoint and once from scratch
// with the same seed and data, both with early stopping and with every layer trainable (a
// checkpoint saved with frozen layers is unfrozen, so both arms train the same layers); each
// training is journaled as a TopKRecord and the ratio scratch/checkpoint of epochs and time
// says how much training the transfer saved. Runs on RetrainActors across every rank
// (retrain-phase.ts); trainings already in the journal are not run again, so the phase resumes.

import { join } from 'node:path';
import { JournalError } from '../errors.js';
import type { CandidateId, EvaluationRecord, JournalRecord, TopKRecord } from '../run/evaluation-record.js';
import { networkKey, vectorKey, type NetworkKey } from '../space/network-key.js';
import type { TopKJob } from './retrain-actor.js';
import { runRetrainPhase } from './retrain-phase.js';
import { kJournalFile } from '../run/run-files.js';
import { toArchitecture } from '../space/to-architecture.js';
import type { TopKOptions } from '../run/phase-options.js';


export interface TopKPairResult {
  id: CandidateId;
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
  failed: CandidateId[];
}

/** Runs the phase; resolves with the result on the driver and null on every other rank. */
export async function runTopK(o: TopKOptions): Promise<TopKResult | null> {
  // The key of the space and data the jobs were chosen with, for the result to pick the same models.
  let key: NetworkKey = vectorKey;
  const outcome = await runRetrainPhase<TopKJob, TopKRecord>({
    dir: o.dir,
    kind: 'top-K',
    actorsPerRank: o.actorsPerRank ?? 0,
    check: (_, records) => void bestDistinct(records, o.k, join(o.dir, kJournalFile), vectorKey),
    data: (search) => ({
      data: search.data,
      task: search.task ?? 'classification',
      trainSize: o.trainSize ?? search.trainSize,
      valSize: o.valSize ?? search.valSize,
      testSize: o.testSize ?? o.valSize ?? search.valSize,
      seed: search.seed,
    }),
    settings: (search) => ({
      backend: o.backend ?? search.backend ?? null,
      topk: { maxEpochs: o.maxEpochs, patience: o.patience, minDelta: o.minDelta, batchSize: search.batchSize, learningRate: search.learningRate, seed: search.seed },
    }),
    jobs: (_, records, space, shape) => {
      const done = trainedOf(records);
      key = networkKey(space, shape);
      return bestDistinct(records, o.k, '', key).flatMap((e) =>
        (['checkpoint', 'scratch'] as const).filter((start) => !done.has(`${e.id}/${start}`)).map((start) => ({ id: e.id, start, architecture: toArchitecture(space, e.choices, shape) })),
      );
    },
    run: (actor, job) => actor.train(job),
    onRecord: o.onRecord,
  });
  if (!outcome) return null;
  const done = trainedOf(outcome.records);
  const pairs: TopKPairResult[] = [];
  const failed: CandidateId[] = [];
  for (const e of bestDistinct(outcome.records, o.k, '', key)) {
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

function trainedOf(records: readonly JournalRecord[]): Map<string, TopKRecord> {
  const done = new Map<string, TopKRecord>();
  for (const r of records) if (r.kind === 'topk') done.set(`${r.id}/${r.start}`, r);
  return done;
}

/**
 * The K best evaluations of distinct networks (`key`; a repeat of one already chosen is
 * skipped: it is the same model, and a cached repeat has no checkpoint of its own).
 */
export function bestDistinct(records: readonly JournalRecord[], k: number, file: string, key: NetworkKey): EvaluationRecord[] {
  const evaluations = records.filter((r): r is EvaluationRecord => r.kind === 'evaluation' && r.repeatOf === undefined && Number.isFinite(r.score));
  if (evaluations.length === 0) throw new JournalError(`${file} has no evaluated candidate to train`, { details: { file } });
  const chosen = new Map<string, EvaluationRecord>();
  for (const e of [...evaluations].sort((a, b) => b.score - a.score || a.id - b.id)) {
    if (chosen.size >= k) break;
    if (!chosen.has(key(e.choices))) chosen.set(key(e.choices), e);
  }
  return [...chosen.values()];
}
