// nas/search/search-driver.ts: rank 0's asynchronous search loop. Proposals are journaled before
// they are handed to a free worker; each result is journaled, told to the strategy, and frees
// its worker for the next proposal (asynchronous evolution, as in DeepHyper). A candidate
// whose worker fails or runs past the timeout is retried on another worker, up to a budget,
// then recorded as a failure; it never stalls the search. A proposal that repeats an
// architecture already evaluated gets that result, cached, without training (repeats.ts).
// Resuming replays the journal into the strategy and reruns the candidates that were in
// flight. Knows nothing of threads, ranks or tfjs: workers are plain objects with an
// `evaluate` method.

import { TimeoutError } from '../../errors.js';
import { log } from '../../util/log.js';
import { JournalError, SearchAbortedError } from '../errors.js';
import type { EvaluationRecord, FailureRecord, JournalRecord, ProposalRecord } from '../run/evaluation-record.js';
import type { EvaluationResult, EvaluationTask, EvaluationWorker } from '../evaluation/evaluation-task.js';
import type { Journal } from '../run/journal.js';
import type { ResultsCsv } from '../run/results-csv.js';
import type { SearchStrategy } from './aging-evolution.js';
import type { Architecture } from '../../train/index.js';
import { vectorKey, type NetworkKey } from '../space/network-key.js';
import { RepeatCache, repeatRecord } from './repeats.js';
import { SearchTally, type Progress } from './search-tally.js';

export type { Progress } from './search-tally.js';

export interface SearchDriverOptions {
  strategy: SearchStrategy;
  /** Turns a proposed vector into the model description (throws for an invalid one). */
  toArchitecture(arch: number[]): Architecture;
  /** Names the network a vector builds: vectors of one key are repeats (default: the vector itself). */
  networkKey?: NetworkKey;
  workers: EvaluationWorker[];
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
  onRecord?(id: number, score: number, replayed: boolean): void;
  /** Consecutive deaths or timeouts after which a worker is no longer given candidates. */
  maxWorkerFailures?: number;
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

interface Candidate {
  proposal: ProposalRecord;
  attempt: number;
  /** Workers this candidate already failed on; it goes elsewhere when it can. */
  avoid: Set<number>;
}

interface WorkerState {
  worker: EvaluationWorker;
  /** Busy until its current call settles, even after that call has timed out. */
  busy: boolean;
  failures: number;
  retired: boolean;
}

const kDefaultMaxWorkerFailures = 3;
const kDefaultAbortGraceSeconds = 30;
const kAutoTimeout = { factor: 10, minSeconds: 60, afterResults: 3 };

/**
 * Whether an error says the worker is unwell (its actor died, or it ran past the timeout)
 * rather than that the candidate failed there. Only the first kind counts against a worker:
 * a candidate that cannot train anywhere must not take the workers down with it.
 */
function isWorkerFault(err: unknown): boolean {
  return err instanceof TimeoutError || (err as { code?: unknown } | null)?.code === 'ERR_ACTOR_DIED';
}

export function runSearchDriver(o: SearchDriverOptions): Promise<SearchSummary> {
  return new Promise<SearchSummary>((resolve, reject) => {
    const t0 = performance.now();
    const states: WorkerState[] = o.workers.map((worker) => ({ worker, busy: false, failures: 0, retired: false }));
    const queue: Candidate[] = [];
    const maxWorkerFailures = o.maxWorkerFailures ?? kDefaultMaxWorkerFailures;
    const tally = new SearchTally();
    const repeats = new RepeatCache<Candidate>(o.networkKey ?? vectorKey);
    let offset = 0; // seconds already spent before a resume
    let proposed = 0;
    let inFlight = 0;
    let stoppedByWalltime = false;
    let stoppedBySignal = false;
    let finished = false;

    const now = (): number => offset + (performance.now() - t0) / 1000;

    // Replay: the strategy sees the same propose/tell sequence as before, so its state (and
    // its random generator) is exactly where the interrupted search left it.
    const outcome = new Map<number, true>();
    const proposals: ProposalRecord[] = [];
    try {
      for (const r of o.replay ?? []) {
        if (r.kind === 'proposal') {
          const p = o.strategy.propose();
          if (p.id !== r.id || p.arch.join() !== r.arch.join()) {
            throw new JournalError(`the journal's proposal ${r.id} [${r.arch}] differs from what this search proposes [${p.arch}]: was the config changed?`, { details: { id: r.id } });
          }
          proposals.push(r);
          proposed++;
          offset = Math.max(offset, r.at);
        } else if (r.kind === 'evaluation' || r.kind === 'failure') {
          o.strategy.tell(r.id, r.arch, r.kind === 'evaluation' ? r.score : NaN);
          o.onRecord?.(r.id, r.kind === 'evaluation' ? r.score : NaN, true);
          outcome.set(r.id, true);
          if (r.kind === 'evaluation') repeats.replay(r);
          tally.add(r, true);
          offset = Math.max(offset, r.finishedAt);
        }
      }
    } catch (err) {
      reject(err);
      return;
    }
    for (const p of proposals) if (!outcome.has(p.id)) queue.push({ proposal: p, attempt: 0, avoid: new Set() });
    if (queue.length > 0) log('info', 'search.resume.rerun', { ids: queue.map((c) => c.proposal.id) });

    const progress = (): void => {
      o.onProgress?.(tally.snapshot(o.maxEvals, inFlight, (performance.now() - t0) / 1000, now()));
    };

    const timeoutSeconds = (): number | null => {
      if (o.evalTimeout !== 'auto') return o.evalTimeout;
      if (tally.evaluated < kAutoTimeout.afterResults) return null;
      return Math.max(kAutoTimeout.minSeconds, kAutoTimeout.factor * tally.longest);
    };

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

    const finish = (): void => {
      if (finished) return;
      finished = true;
      progress();
      resolve({ evaluated: tally.evaluated, failed: tally.failed, best: tally.best, stoppedByWalltime, stoppedBySignal });
    };

    const fail = (err: unknown): void => {
      if (finished) return;
      finished = true;
      reject(err);
    };

    /** A free worker for `c`, preferring one it has not failed on; `relaxed`: any free one. */
    const pickWorker = (c: Candidate, relaxed = false): number => {
      const usable = states.map((s, i) => (!s.retired ? i : -1)).filter((i) => i >= 0);
      const free = usable.filter((i) => !states[i]!.busy);
      const fresh = free.find((i) => !c.avoid.has(i));
      if (fresh !== undefined) return fresh;
      // Every usable worker already failed this candidate: any free one will do.
      if ((relaxed || usable.every((i) => c.avoid.has(i))) && free.length > 0) return free[0]!;
      return -1;
    };

    const pump = (): void => {
      if (finished) return;
      try {
        for (;;) {
          if (!states.some((s) => !s.retired)) {
            throw new SearchAbortedError('every training actor failed repeatedly; the journal keeps what was recorded, --resume continues', { details: { workers: states.length } });
          }
          if (!states.some((s) => !s.busy && !s.retired)) break;
          let relaxed = false;
          let k = queue.findIndex((c) => pickWorker(c) >= 0);
          if (k < 0 && queue.length > 0 && !mayPropose()) {
            // Nothing new to propose: rather than wait for a worker the retry has not failed
            // on (it may be hung for good), it takes the free one.
            relaxed = true;
            k = 0;
          } else if (k < 0) {
            // Queued retries wait for a worker they have not failed on; a new proposal can
            // take the free one meanwhile.
            if (!mayPropose()) break;
            const p = o.strategy.propose();
            const record: ProposalRecord = { kind: 'proposal', id: p.id, arch: p.arch, parent: p.parent, at: now() };
            o.journal.append(record);
            proposed++;
            queue.push({ proposal: record, attempt: 0, avoid: new Set() });
            k = queue.length - 1;
          }
          const c = queue.splice(k, 1)[0]!;
          const claim = repeats.claim(c);
          if (claim.kind === 'cached') commit(repeatRecord(c.proposal, claim.first, now()), claim.first.score);
          if (claim.kind !== 'train') continue;
          dispatch(c, pickWorker(c, relaxed));
        }
      } catch (err) {
        fail(err);
        return;
      }
      if (inFlight === 0 && queue.length === 0 && !mayPropose()) finish();
    };

    const dispatch = (c: Candidate, w: number): void => {
      const state = states[w]!;
      state.busy = true;
      inFlight++;
      const startedAt = now();
      let architecture: Architecture;
      try {
        architecture = o.toArchitecture(c.proposal.arch);
      } catch (err) {
        state.busy = false;
        inFlight--;
        // The vector itself is bad: no other worker would do better.
        recordFailure(c, err);
        return;
      }
      const task: EvaluationTask = { id: c.proposal.id, arch: c.proposal.arch, parent: c.proposal.parent, architecture, attempt: c.attempt };
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      const abort = new AbortController();
      const call = state.worker.evaluate(task, abort.signal);
      const onResult = (result: EvaluationResult): void => {
        if (settled) return;
        settled = true;
        if (timer) clearTimeout(timer);
        inFlight--;
        state.failures = 0;
        record(c, result, startedAt);
        pump();
      };
      const onError = (err: unknown): void => {
        if (settled) return;
        settled = true;
        if (timer) clearTimeout(timer);
        inFlight--;
        if (isWorkerFault(err)) state.failures++;
        if (state.failures >= maxWorkerFailures) {
          state.retired = true;
          log('warn', 'search.worker.retired', { worker: state.worker.name, failures: state.failures });
        }
        log('warn', 'search.evaluation.error', { id: c.proposal.id, worker: state.worker.name, attempt: c.attempt, error: err });
        c.avoid.add(w);
        if (c.attempt < o.maxRetries) {
          queue.unshift({ ...c, attempt: c.attempt + 1 });
        } else {
          recordFailure(c, err);
        }
        pump();
      };
      let grace: NodeJS.Timeout | undefined;
      call.then(onResult, onError).finally(() => {
        if (grace) clearTimeout(grace);
        state.busy = false;
        pump();
      });
      const limit = timeoutSeconds();
      if (limit !== null) {
        timer = setTimeout(() => {
          const err = new TimeoutError(`evaluation ${c.proposal.id} ran past ${limit.toFixed(0)} s on ${state.worker.name}`, { details: { id: c.proposal.id, worker: state.worker.name } });
          onError(err);
          // Cancel the call; one that does not stop within the grace period loses its actor,
          // which restarts, so the worker's slot is not held by a hung call for ever.
          abort.abort(err);
          grace = setTimeout(() => {
            log('warn', 'search.worker.restart', { worker: state.worker.name, id: c.proposal.id });
            state.worker.restart?.().catch((e: unknown) => log('warn', 'search.worker.restart_failed', { worker: state.worker.name, error: e }));
          }, (o.abortGraceSeconds ?? kDefaultAbortGraceSeconds) * 1000);
          grace.unref?.();
        }, limit * 1000);
        timer.unref?.();
      }
    };

    /** Journals a candidate's outcome, then tells the strategy (a failure scores NaN). */
    const commit = (r: EvaluationRecord | FailureRecord, score: number): void => {
      try {
        o.journal.append(r);
        o.csv.append(r);
      } catch (err) {
        fail(err);
        return;
      }
      o.strategy.tell(r.id, r.arch, score);
      o.onRecord?.(r.id, score, false);
      tally.add(r, false);
      progress();
    };

    const record = (c: Candidate, result: EvaluationResult, startedAt: number): void => {
      const r: EvaluationRecord = { kind: 'evaluation', id: c.proposal.id, arch: c.proposal.arch, parent: c.proposal.parent, ...result, startedAt, finishedAt: now() };
      commit(r, r.score);
      for (const w of repeats.settle(r)) commit(repeatRecord(w.proposal, r, now()), r.score);
    };

    const recordFailure = (c: Candidate, err: unknown): void => {
      const e = err as { name?: string; code?: string; message?: string };
      const r: FailureRecord = {
        kind: 'failure',
        id: c.proposal.id,
        arch: c.proposal.arch,
        parent: c.proposal.parent,
        error: { name: e?.name ?? 'Error', code: e?.code ?? 'ERR_UNKNOWN', message: e?.message ?? String(err) },
        attempts: c.attempt + 1,
        finishedAt: now(),
      };
      commit(r, NaN);
      // Repeats that waited for this architecture are trained after all.
      queue.unshift(...repeats.settle(r));
    };

    if (states.length === 0) {
      reject(new SearchAbortedError('no training actors to run the search on'));
      return;
    }
    o.stop?.addEventListener('abort', () => pump(), { once: true });
    pump();
  });
}
