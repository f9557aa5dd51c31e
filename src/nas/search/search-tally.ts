// nas/search/search-tally.ts: the running counts of a search (results, failures, transfer hits, best,
// slowest evaluation) and the progress snapshot made from them. Results replayed from the
// journal of a resumed search count towards totals but not towards this run's rate.

import type { CandidateId, EvaluationRecord, FailureRecord } from '../run/evaluation-record.js';

export interface Progress {
  done: number;
  total: number;
  failed: number;
  inFlight: number;
  best: { id: CandidateId; score: number } | null;
  /** Evaluations finished per minute in this process (not counting a resumed past). */
  perMinute: number;
  /** Fraction of the new architectures' evaluations (repeats are cached) that loaded at least one transferred layer. */
  hitRate: number;
  /** Seconds left at the current rate, null before the first result. */
  etaSeconds: number | null;
  elapsedSeconds: number;
}

export class SearchTally {
  done = 0;
  failed = 0;
  /** Results of this run (not replayed). */
  doneHere = 0;
  hits = 0;
  /** Cached results of repeated architectures: they load nothing, so the hit rate leaves them out. */
  repeats = 0;
  /** The longest evaluation seen, in seconds (build, fetch, train, store). */
  longest = 0;
  best: EvaluationRecord | null = null;

  get evaluated(): number {
    return this.done - this.failed;
  }

  add(r: EvaluationRecord | FailureRecord, replayed: boolean): void {
    this.done++;
    if (!replayed) this.doneHere++;
    if (r.kind === 'failure') {
      this.failed++;
      return;
    }
    if (r.repeatOf !== undefined) this.repeats++;
    if (r.transfer.layersTransferred > 0) this.hits++;
    if (!this.best || r.score > this.best.score) this.best = r;
    this.longest = Math.max(this.longest, r.totalSeconds);
  }

  snapshot(total: number, inFlight: number, secondsHere: number, elapsedSeconds: number): Progress {
    const perMinute = secondsHere > 0 ? (this.doneHere / secondsHere) * 60 : 0;
    return {
      done: this.done,
      total,
      failed: this.failed,
      inFlight,
      best: this.best ? { id: this.best.id, score: this.best.score } : null,
      perMinute,
      hitRate: this.evaluated > this.repeats ? this.hits / (this.evaluated - this.repeats) : 0,
      etaSeconds: perMinute > 0 ? ((total - this.done) / perMinute) * 60 : null,
      elapsedSeconds,
    };
  }
}
