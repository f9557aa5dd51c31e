// nas/run/evaluation-record.ts: what the search records for every evaluated candidate, one JSON
// line per record in the journal (`journal.jsonl`) and one row in `results.csv`; what the
// top-K phase records per model; and what the paired measurement records per scratch twin.
// The report reads exactly these types. The journal also holds a `proposal` line before each
// candidate starts and a `failure` line for a candidate that failed on every try: readers
// select the kinds they want.

/**
 * A candidate's identity, unique within its search: 0, 1, 2, … in order of proposal. Every
 * record, task and proposal names candidates by it; the layer store keys a stored model by a
 * string made from it (evaluation/model-id.ts), and only there does it change form.
 */
export type CandidateId = number;

export type FetchSource = 'local' | 'peer' | 'spill' | 'none';

/**
 * How a candidate's donor layers were chosen (`--transfer`): 'prefix' the stored model
 * sharing the longest prefix of layer ids; 'parent' the evolutionary parent's layers of the
 * same id; 'shape' the prefix plus the donor's later layers whose op, tensor shapes and
 * position match; 'partial' as 'shape', and where only a width changed, the overlapping slice
 * (Net2Net-style, the rest keeps its own initialisation); 'none' from scratch.
 */
export type TransferRule = 'none' | 'prefix' | 'parent' | 'shape' | 'partial';

export interface EvaluationRecord {
  kind: 'evaluation';
  id: CandidateId;
  /** The choice vector in the search space. */
  choices: number[];
  /** Id of the candidate this one mutated from; null for the random initial population. */
  parent: CandidateId | null;
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
  /**
   * Set when this architecture was evaluated before in the search: the id of that first
   * evaluation. A repeat is a cached result: it is not trained again; it carries the first
   * evaluation's score, loss and curve, with no epochs, time or transfer of its own, and it
   * has no checkpoint (the first evaluation's is the architecture's).
   */
  repeatOf?: CandidateId;
  transfer: {
    /** The donor candidate's id (in `donorRun` when set, else in this search). */
    donorId: CandidateId | null;
    /** Run directory of the earlier search the donor comes from (`--donors-from`); absent: this search. */
    donorRun?: string;
    /** The rule that chose the donor's layers; absent from records written before it was recorded. */
    rule?: TransferRule;
    layersMatched: number;
    layersTransferred: number;
    layersSkipped: number;
    /** Parameters loaded from the donor (a partial layer counts the slice it copied), and the model's total. */
    paramsTransferred?: number;
    paramsTotal?: number;
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
  id: CandidateId;
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
  id: CandidateId;
  choices: number[];
  parent: CandidateId | null;
  /** Seconds since the search started. */
  at: number;
}

/** A candidate that failed on every try (it counts as evaluated, with no score). */
export interface FailureRecord {
  kind: 'failure';
  id: CandidateId;
  choices: number[];
  parent: CandidateId | null;
  /** The last error: class name, code and message. */
  error: { name: string; code: string; message: string };
  attempts: number;
  finishedAt: number;
}

/**
 * The scratch twin of a candidate that loaded donor layers (`graft pairs`): the same
 * architecture trained from its own initialisation with the same seed, data, batch order and
 * budget, so `score` minus the candidate's score is what the transfer gained.
 */
export interface PairRecord {
  kind: 'pair';
  /** The candidate's id in the search. */
  id: CandidateId;
  score: number;
  valLoss: number;
  epochs: number;
  steps: number;
  trainSeconds: number;
  curve: number[];
}

/** A search's start on a process (every run and every resume writes one), before its first candidate. */
export interface StartRecord {
  kind: 'start';
  /** Seconds from process start until the actors were ready: MPI start-up, spawns, data loading. */
  startupSeconds: number;
  ranks: number;
  actors: number;
  /** Results already in the journal (a resume). */
  resumed: number;
  /** Wall-clock time, ISO 8601. */
  at: string;
}

/** Every line of `journal.jsonl`. */
export type JournalRecord = ProposalRecord | EvaluationRecord | FailureRecord | TopKRecord | PairRecord | StartRecord;
