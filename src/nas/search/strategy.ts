// nas/search/strategy.ts: what a search strategy is to the driver: it proposes candidates and
// is told each candidate's outcome, the whole record (score, and the epochs, time and
// parameters measured), so a strategy may weigh more than the score. Aging evolution
// (aging-evolution.ts) is the default; random search (random-search.ts) the baseline. A
// strategy is deterministic given its seed and the order of `propose`/`tell` calls, which is
// what lets a resumed search replay its journal into the same state (journal-replay.ts).

import type { CandidateId, EvaluationRecord, FailureRecord } from '../run/index.js';

export interface Proposal {
  id: CandidateId;
  /** The choice vector in the search space: one choice index per variable. */
  choices: number[];
  /** The candidate this one mutated from; null for a random one. */
  parent: CandidateId | null;
}

/** A candidate's outcome as the journal records it: an evaluation, or a failure on every try. */
export type CandidateOutcome = EvaluationRecord | FailureRecord;

export interface SearchStrategy {
  /** The next candidate; ids count up from 0 in order of proposal. */
  propose(): Proposal;
  /** A finished candidate's outcome (higher scores are better; a failure scores NaN, the worst). */
  tell(outcome: CandidateOutcome): void;
}

/** The outcome's score: NaN for a failure (and as recorded for a diverged training). */
export function scoreOf(outcome: CandidateOutcome): number {
  return outcome.kind === 'evaluation' ? outcome.score : NaN;
}
