// nas/evaluation/evaluation-task.ts: the types that cross from the search driver (rank 0) to a training
// actor (a worker thread on any rank) and back. Pure data, serialisable by the runtime.

import type { Architecture } from '../../train/index.js';
import type { CandidateId, EvaluationRecord } from '../run/evaluation-record.js';

export interface EvaluationTask {
  id: CandidateId;
  choices: number[];
  /** The candidate it mutated from (the 'parent' transfer rule's donor); null for a random one. */
  parent: CandidateId | null;
  architecture: Architecture;
  /** 0 on the first try, then 1, 2, … when retried on another actor. */
  attempt: number;
}

/** What an actor measures; the driver adds id, choices, parent and the search-relative times. */
export type EvaluationResult = Omit<EvaluationRecord, 'kind' | 'id' | 'choices' | 'parent' | 'startedAt' | 'finishedAt'>;

/** One training actor as the search's actor pool sees it. */
export interface EvaluationActor {
  /** A stable name for logs and records (e.g. 'r1/a0'). */
  readonly name: string;
  /** Evaluates the candidate; `signal` aborts when the driver gives up on it (the training stops at its next batch). */
  evaluate(task: EvaluationTask, signal?: AbortSignal): Promise<EvaluationResult>;
  /** Kills the actor and starts it again, for a call that ignored its abort. */
  restart?(): Promise<void>;
}
