// nas/evaluation-record.ts: what the search records for every evaluated candidate, one JSON
// line per record in the journal (`journal.jsonl`) and one row in `results.csv`; and what the
// top-K phase records per model. The report reads exactly these types. The journal also holds
// a `proposal` line before each candidate starts and a `failure` line for a candidate that
// failed on every try: readers select the kinds they want.

export type FetchSource = 'local' | 'peer' | 'spill' | 'none';

export interface EvaluationRecord {
  kind: 'evaluation';
  /** Candidate id, unique within the search (0, 1, 2, … in order of proposal). */
  id: number;
  /** The choice vector in the search space. */
  arch: number[];
  /** Id of the candidate this one mutated from; null for the random initial population. */
  parent: number | null;
  /** Validation score: accuracy for classification, R² for regression (higher is better). */
  score: number;
  /** Loss on validation after the last epoch. */
  valLoss: number;
  /** Epochs trained: fractional when a budget in steps ended mid-epoch. */
  epochs: number;
  /** Optimizer steps (batches) trained; absent from records written before it was recorded. */
  steps?: number;
  /** Wall time of training alone, and of the whole evaluation (build, fetch, train, store). */
  trainSeconds: number;
  totalSeconds: number;
  /** Per-epoch validation score, for learning curves. */
  curve: number[];
  transfer: {
    donorId: number | null;
    layersMatched: number;
    layersTransferred: number;
    layersSkipped: number;
    bytesFetched: number;
    fetchSeconds: number;
    source: FetchSource;
  };
  rank: number;
  actor: string;
  backend: string;
  /** Seconds since the search started, when the evaluation began and finished. */
  startedAt: number;
  finishedAt: number;
}

export interface TopKRecord {
  kind: 'topk';
  /** The candidate's id in the search. */
  id: number;
  start: 'checkpoint' | 'scratch';
  epochs: number;
  seconds: number;
  testScore: number;
  /** Per-epoch validation score. */
  curve: number[];
}

/**
 * A candidate as proposed, written before it is handed to an actor. With the evaluation
 * records in the same journal, it lets `--resume` replay the search state and rerun the
 * candidates that were in flight. Readers that want results only filter on `kind`.
 */
export interface ProposalRecord {
  kind: 'proposal';
  id: number;
  arch: number[];
  parent: number | null;
  /** Seconds since the search started. */
  at: number;
}

/** A candidate that failed on every try (it counts as evaluated, with no score). */
export interface FailureRecord {
  kind: 'failure';
  id: number;
  arch: number[];
  parent: number | null;
  /** The last error: class name, code and message. */
  error: { name: string; code: string; message: string };
  attempts: number;
  finishedAt: number;
}

/** Every line of `journal.jsonl`. */
export type JournalRecord = ProposalRecord | EvaluationRecord | FailureRecord | TopKRecord;
