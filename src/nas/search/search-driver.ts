// nas/search/search-driver.ts: rank 0's asynchronous search loop, as in DeepHyper: a free
// actor gets the strategy's next proposal, and each outcome is recorded, told to the strategy
// and frees its actor for the next one. The parts: the journal's replay on a resume
// (journal-replay.ts), the actor pool with its retries and timeouts (actor-pool.ts, placing
// by scheduling-policy.ts), the recorder of the journal and results.csv (recorder.ts), and
// repeats, which get an earlier evaluation's result, cached, without training (repeats.ts).
// What is left here: when to stop proposing (evaluations, walltime, a stop signal), and the
// order of things: a proposal is journaled before its candidate starts; an outcome is on disk
// before the strategy hears of it. Knows nothing of threads, ranks or tfjs: actors are plain
// objects with an `evaluate` method.

import { log } from '../../util/log.js';
import type { EvaluationActor, EvaluationTask } from '../evaluation/evaluation-task.js';
import type { CandidateId, EvaluationRecord, Journal, JournalRecord, ProposalRecord, ResultsCsv } from '../run/index.js';
import type { Architecture } from '../../train/index.js';
import { vectorKey, type NetworkKey } from '../space/network-key.js';
import { ActorPool } from './actor-pool.js';
import { replayJournal, type ReplayedSearch } from './journal-replay.js';
import { Recorder } from './recorder.js';
import { RepeatCache, repeatRecord } from './repeats.js';
import type { SchedulingPolicy } from './scheduling-policy.js';
import { SearchTally, type Progress } from './search-tally.js';
import { scoreOf, type CandidateOutcome, type SearchStrategy } from './strategy.js';

export type { Progress } from './search-tally.js';

export interface SearchDriverOptions {
  strategy: SearchStrategy;
  /** Turns a proposed vector into the model description (throws for an invalid one). */
  toArchitecture(choices: number[]): Architecture;
  /** Names the network a vector builds: vectors of one key are repeats (default: the vector itself). */
  networkKey?: NetworkKey;
  actors: EvaluationActor[];
  /** Which waiting candidate starts on which free actor (default: preferUntriedActors). */
  policy?: SchedulingPolicy;
  journal: Journal;
  csv: ResultsCsv;
  maxEvals: number;
  maxRetries: number;
  /**
   * Seconds per evaluation before it is retried elsewhere; 'auto': 10x the longest evaluation
   * so far (at least a minute), once 3 results are in; null waits forever.
   */
  evalTimeout: number | 'auto' | null;
  /** Seconds this process may run, counted from its start (a batch job's limit: a resumed past does not count); null is unlimited. */
  walltime: number | null;
  /** Records already in the journal (from `--resume`). */
  replay?: readonly JournalRecord[];
  onProgress?(p: Progress): void;
  /** Every result as it is journaled (and those replayed from the journal, `replayed` true). */
  onRecord?(id: CandidateId, score: number, replayed: boolean): void;
  /** Consecutive deaths or timeouts after which an actor is no longer given candidates. */
  maxActorFailures?: number;
  /** Seconds a call given up on (its signal aborted) may take to stop before its actor is killed and restarted (default 30). */
  abortGraceSeconds?: number;
  /** Aborted when the job is told to stop (a scheduler's warning signal): no new proposal, what is in flight finishes and is recorded. */
  stop?: AbortSignal;
}

export interface SearchSummary {
  evaluated: number;
  failed: number;
  best: EvaluationRecord | null;
  /** True when the walltime stopped proposals before maxEvals. */
  stoppedByWalltime: boolean;
  /** True when the stop signal stopped proposals before maxEvals. */
  stoppedBySignal: boolean;
}

const kAutoTimeout = { factor: 10, minSeconds: 60, afterResults: 3 };

export function runSearchDriver(o: SearchDriverOptions): Promise<SearchSummary> {
  return new Promise<SearchSummary>((resolve, reject) => {
    const t0 = performance.now();
    const tally = new SearchTally();
    const repeats = new RepeatCache<ProposalRecord>(o.networkKey ?? vectorKey);
    const recorder = new Recorder(o.journal, o.csv);
    let past: ReplayedSearch;
    try {
      past = replayJournal(o.replay ?? [], o.strategy, (r) => {
        o.onRecord?.(r.id, scoreOf(r), true);
        if (r.kind === 'evaluation') repeats.replay(r);
        tally.add(r, true);
      });
    } catch (err) {
      reject(err);
      return;
    }
    let proposed = past.proposed;
    let stoppedByWalltime = false;
    let stoppedBySignal = false;
    let finished = false;

    /** The search's clock: seconds since it first started, a resumed past included. */
    const now = (): number => past.elapsed + (performance.now() - t0) / 1000;

    const mayPropose = (): boolean => {
      if (proposed >= o.maxEvals) return false;
      if (o.stop?.aborted) {
        if (!stoppedBySignal) log('info', 'search.signal.stop', { proposed, reason: String(o.stop.reason) });
        stoppedBySignal = true;
        return false;
      }
      // Stop early enough that the slowest evaluation seen so far still fits, with a margin.
      // The limit counts from process start (performance's time origin): MPI start-up, actor
      // spawns and data loading spend the batch job's time too.
      const elapsed = performance.now() / 1000;
      if (o.walltime !== null && elapsed + tally.longest * 1.25 >= o.walltime) {
        if (!stoppedByWalltime) log('info', 'search.walltime.stop', { elapsed, walltime: o.walltime });
        stoppedByWalltime = true;
        return false;
      }
      return true;
    };

    const fail = (err: unknown): void => {
      if (finished) return;
      finished = true;
      reject(err);
    };

    /** Writes an outcome, then tells the strategy (nothing is told that is not on disk). */
    const commit = (write: () => CandidateOutcome): CandidateOutcome | null => {
      let r: CandidateOutcome;
      try {
        r = write();
      } catch (err) {
        fail(err);
        return null;
      }
      o.strategy.tell(r);
      o.onRecord?.(r.id, scoreOf(r), false);
      tally.add(r, false);
      progress();
      return r;
    };

    /** A candidate's task, when it is to train: a repeat takes or waits for its first evaluation's result. */
    const admit = (p: ProposalRecord): EvaluationTask | null => {
      const claim = repeats.claim(p);
      if (claim.kind === 'cached') commit(() => recorder.outcome(repeatRecord(p, claim.first, now())));
      if (claim.kind !== 'train') return null;
      try {
        return { id: p.id, choices: p.choices, parent: p.parent, architecture: o.toArchitecture(p.choices), attempt: 0 };
      } catch (err) {
        // The vector itself is bad: no actor would do better.
        recordFailure(p, err, 1);
        return null;
      }
    };

    const recordFailure = (c: ProposalRecord | EvaluationTask, err: unknown, attempts: number): void => {
      const r = commit(() => recorder.failure(c, err, attempts, now()));
      // Repeats that waited for this architecture are trained after all, ahead of the rest.
      for (const w of r ? repeats.settle(r) : []) {
        const task = admit(w);
        if (task) pool.submit(task, true);
      }
    };

    const timeoutSeconds = (): number | null => {
      if (o.evalTimeout !== 'auto') return o.evalTimeout;
      if (tally.evaluated < kAutoTimeout.afterResults) return null;
      return Math.max(kAutoTimeout.minSeconds, kAutoTimeout.factor * tally.longest);
    };

    let pool: ActorPool;
    try {
      pool = new ActorPool({
        actors: o.actors,
        policy: o.policy,
        maxRetries: o.maxRetries,
        maxActorFailures: o.maxActorFailures,
        abortGraceSeconds: o.abortGraceSeconds,
        timeoutSeconds,
        clock: now,
        more: () => {
          while (!finished && mayPropose()) {
            let p: ProposalRecord;
            try {
              p = recorder.proposal(o.strategy.propose(), now());
            } catch (err) {
              fail(err);
              return null;
            }
            proposed++;
            const task = admit(p);
            if (task) return task;
          }
          return null;
        },
        onResult: (task, result, startedAt) => {
          const r = commit(() => recorder.evaluation(task, result, startedAt, now()));
          if (r?.kind !== 'evaluation') return;
          for (const w of repeats.settle(r)) commit(() => recorder.outcome(repeatRecord(w, r, now())));
        },
        onFailure: (task, err) => recordFailure(task, err, task.attempt + 1),
        wake: () => pump(),
      });
    } catch (err) {
      reject(err);
      return;
    }

    function progress(): void {
      o.onProgress?.(tally.snapshot(o.maxEvals, pool.inFlight, (performance.now() - t0) / 1000, now()));
    }

    const pump = (): void => {
      if (finished) return;
      try {
        pool.pump();
      } catch (err) {
        fail(err);
        return;
      }
      if (pool.idle && !mayPropose()) {
        finished = true;
        progress();
        resolve({ evaluated: tally.evaluated, failed: tally.failed, best: tally.best, stoppedByWalltime, stoppedBySignal });
      }
    };

    if (past.inFlight.length > 0) log('info', 'search.resume.rerun', { ids: past.inFlight.map((p) => p.id) });
    for (const p of past.inFlight) {
      const task = admit(p);
      if (task) pool.submit(task);
    }
    o.stop?.addEventListener('abort', () => pump(), { once: true });
    pump();
  });
}
