// nas/run/phase-options.ts: the options of the phases that train a finished search's
// candidates again, read from the same run directory: the top-K phase (`graft topk`) and the
// paired scratch twins (`graft pairs`). Types only.

import type { PairRecord, TopKRecord } from './evaluation-record.js';

export interface TopKOptions {
  /** The search's run directory. */
  dir: string;
  k: number;
  maxEpochs: number;
  patience: number;
  minDelta: number;
  /** Data sizes for the full training; default: the search's, test as large as validation. */
  trainSize?: number;
  valSize?: number;
  testSize?: number;
  backend?: string | null;
  /** Actors per rank; 0 (default): one per GPU, 1 without GPUs. */
  actorsPerRank?: number;
  /** Driver only: called after each model is trained. */
  onRecord?(record: TopKRecord): void;
}

export interface PairsOptions {
  /** The search's run directory. */
  dir: string;
  /** Twins to have in all (those journaled before count); default: every candidate that loaded layers. */
  max?: number;
  backend?: string | null;
  /** Actors per rank; 0 (default): one per GPU, 1 without GPUs. */
  actorsPerRank?: number;
  /** Driver only: each twin as it is journaled. */
  onRecord?(record: PairRecord): void;
}
