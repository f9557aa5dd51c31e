// nas/retrain/pairs.ts: the paired measurement of transfer. For each candidate of a finished search
// that loaded donor layers (a new architecture, not a cached repeat), its scratch twin: the
// same architecture trained from its own initialisation with the same seed, data, batch order
// and budget, as a search without transfer would have trained it. The twins run on
// RetrainActors across every rank (retrain-phase.ts) and are journaled as `pair` records, so
// the phase resumes; the report compares each candidate with its twin.

import { InvalidArgumentError } from '../../errors.js';
import type { CandidateId, EvaluationRecord, JournalRecord, PairRecord } from '../run/evaluation-record.js';
import type { TwinJob } from './retrain-actor.js';
import { runRetrainPhase } from './retrain-phase.js';
import { toArchitecture } from '../space/to-architecture.js';
import type { PairsOptions } from '../run/phase-options.js';


export interface PairsResult {
  /** Candidates with a twin, and the twins. */
  pairs: Array<{ candidate: EvaluationRecord; twin: PairRecord }>;
  /** Candidates whose twin failed on every try. */
  failed: CandidateId[];
}

/** Candidates that loaded donor layers and are not cached repeats, in id order, at most `max`. */
export function pairCandidates(records: readonly JournalRecord[], max = Infinity): EvaluationRecord[] {
  return records
    .filter((r): r is EvaluationRecord => r.kind === 'evaluation' && r.repeatOf === undefined && r.transfer.layersTransferred > 0 && Number.isFinite(r.score))
    .sort((a, b) => a.id - b.id)
    .slice(0, max);
}

/** Runs the phase; resolves with the pairs on the driver and null on every other rank. */
export async function runPairs(o: PairsOptions): Promise<PairsResult | null> {
  const outcome = await runRetrainPhase<TwinJob, PairRecord>({
    dir: o.dir,
    kind: 'pairs',
    actorsPerRank: o.actorsPerRank ?? 0,
    check: (search, records) => {
      if (search.transfer === 'none') {
        throw new InvalidArgumentError(`${o.dir} is a search without transfer: it has no candidate to pair with a scratch twin`, { details: { option: 'DIR' } });
      }
      if (pairCandidates(records).length === 0) {
        throw new InvalidArgumentError(`${o.dir} has no evaluated candidate that loaded donor layers`, { details: { option: 'DIR' } });
      }
    },
    // The search's own data: the twin must see the samples and batch order its candidate saw.
    data: (search) => ({ data: search.data, task: search.task ?? 'classification', trainSize: search.trainSize, valSize: search.valSize, testSize: search.valSize, seed: search.seed }),
    settings: (search) => ({
      backend: o.backend ?? search.backend ?? null,
      search: { epochs: search.epochs, steps: search.steps ?? null, batchSize: search.batchSize, learningRate: search.learningRate, seed: search.seed },
    }),
    jobs: (_, records, space, shape) => {
      const twinned = twinsOf(records);
      return pairCandidates(records, o.max)
        .filter((e) => !twinned.has(e.id))
        .map((e) => ({ id: e.id, architecture: toArchitecture(space, e.choices, shape) }));
    },
    run: (actor, job) => actor.twin(job),
    onRecord: o.onRecord,
  });
  if (!outcome) return null;
  const twins = twinsOf(outcome.records);
  const pairs = pairCandidates(outcome.records, o.max).flatMap((candidate) => {
    const twin = twins.get(candidate.id);
    return twin ? [{ candidate, twin }] : [];
  });
  return { pairs, failed: outcome.failed.map((j) => j.id) };
}

function twinsOf(records: readonly JournalRecord[]): Map<number, PairRecord> {
  const twins = new Map<number, PairRecord>();
  for (const r of records) if (r.kind === 'pair') twins.set(r.id, r);
  return twins;
}
