// nas/search/repeats.ts: what a search does with an architecture it has evaluated before: the same
// network (network-key.ts), whatever its choice vector. Evolution proposes repeats (a
// mutation of one member can land on another), and training one again
// would either continue the earlier copy (its score then measures training that accumulates
// over copies) or redo the same work. graft gives a repeat the first evaluation's result, a
// cached result, without training: a repeat proposed while its first evaluation is still
// running waits for that result; one whose first evaluation failed on every try is trained
// after all (the first of its waiters takes its place). Knows records, not actors.

import type { CandidateId, EvaluationRecord, FailureRecord } from '../run/evaluation-record.js';
import type { NetworkKey } from '../space/network-key.js';

export type RepeatClaim = { kind: 'train' } | { kind: 'cached'; first: EvaluationRecord } | { kind: 'wait' };

interface Claimant {
  id: CandidateId;
  choices: number[];
}

export class RepeatCache<C extends Claimant> {
  /** The first evaluation of each architecture, by architecture key. */
  readonly #first = new Map<string, EvaluationRecord>();
  /** Architecture key → id of the candidate training it now (queued, running or retried). */
  readonly #training = new Map<string, CandidateId>();
  /** Repeats waiting for the result of the candidate training their architecture. */
  readonly #waiting = new Map<string, C[]>();
  readonly #key: NetworkKey;

  constructor(key: NetworkKey) {
    this.#key = key;
  }

  /** A first evaluation recorded earlier (replayed from the journal). */
  replay(r: EvaluationRecord): void {
    if (r.repeatOf === undefined && !this.#first.has(this.#key(r.choices))) this.#first.set(this.#key(r.choices), r);
  }

  /** Whether `c` trains, takes a cached result, or waits for one. */
  claim(c: C): RepeatClaim {
    const key = this.#key(c.choices);
    const first = this.#first.get(key);
    if (first) return { kind: 'cached', first };
    const trainer = this.#training.get(key);
    if (trainer === undefined || trainer === c.id) {
      this.#training.set(key, c.id);
      return { kind: 'train' };
    }
    const waiting = this.#waiting.get(key) ?? [];
    waiting.push(c);
    this.#waiting.set(key, waiting);
    return { kind: 'wait' };
  }

  /**
   * The candidate training an architecture has its outcome; returns the repeats that waited
   * for it. After an evaluation they take its result; after a failure they go back to the
   * queue, and the first of them to be claimed trains.
   */
  settle(r: EvaluationRecord | FailureRecord): C[] {
    const key = this.#key(r.choices);
    if (this.#training.get(key) !== r.id) return [];
    this.#training.delete(key);
    if (r.kind === 'evaluation') this.#first.set(key, r);
    const waiting = this.#waiting.get(key) ?? [];
    this.#waiting.delete(key);
    return waiting;
  }

  /** Repeats waiting for a result now. */
  get waiting(): number {
    let n = 0;
    for (const w of this.#waiting.values()) n += w.length;
    return n;
  }
}

/** A repeat's record: the first evaluation's result, with no training, time or transfer of its own. */
export function repeatRecord(c: { id: CandidateId; choices: number[]; parent: CandidateId | null }, first: EvaluationRecord, at: number): EvaluationRecord {
  return {
    kind: 'evaluation',
    id: c.id,
    choices: c.choices,
    parent: c.parent,
    score: first.score,
    valLoss: first.valLoss,
    epochs: 0,
    steps: 0,
    trainSeconds: 0,
    totalSeconds: 0,
    curve: first.curve,
    repeatOf: first.id,
    transfer: { donorId: null, rule: 'none', layersMatched: 0, layersTransferred: 0, layersSkipped: 0, paramsTransferred: 0, paramsTotal: first.transfer.paramsTotal ?? 0, bytesFetched: 0, fetchSeconds: 0, source: 'none' },
    rank: first.rank,
    actor: first.actor,
    backend: first.backend,
    startedAt: at,
    finishedAt: at,
  };
}
