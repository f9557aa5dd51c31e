// nas/run/search-options.ts: the one typed, complete options object a search runs with. Built by
// config/ from defaults, a config file and flags; stored as `config.json` in the run directory
// so `--resume` runs the same search. Types, and one helper that reads a field.

import type { TransferRule } from './evaluation-record.js';

export type TransferPolicy = TransferRule;
export type TransferMode = 'finetune' | 'freeze';
export type StrategyName = 'evolution' | 'random';

export interface SearchOptions {
  /** A built-in space name or a JSON file. */
  space: string;
  /** 'mnist', 'fashion-mnist', 'synthetic', or a data file (.csv, .npy) the training layer reads. */
  data: string;
  /** What the data's labels are (files only; the image sets and synthetic are classification). */
  task: 'classification' | 'regression';
  strategy: StrategyName;
  maxEvals: number;
  population: number;
  sample: number;
  /** Mutation position weight exponent: 0 uniform, higher favours later variables. */
  beta: number;
  epochs: number;
  /** Training budget in optimizer steps per candidate, replacing `epochs`; null trains `epochs`. */
  steps: number | null;
  batchSize: number;
  learningRate: number;
  trainSize: number;
  valSize: number;
  /** Training actors on each rank; 0: one per GPU the rank has (each pinned to its GPU), 1 without GPUs. */
  actorsPerRank: number;
  transfer: TransferPolicy;
  transferMode: TransferMode;
  /** Earlier searches' run directories, comma-separated, whose best models are donors from the start (null: none). */
  donorsFrom: string | null;
  seed: number;
  out: string;
  /** Seconds this run may take, e.g. the batch job's limit (null: unlimited); a resumed run gets its own. */
  walltime: number | null;
  /** Memory each rank's layer store keeps before it spills least recently used layers (MiB). */
  storeMb: number;
  /** Where layers spill (null: `<out>/spill`); on a cluster, the parallel file system. */
  spillDir: string | null;
  /** tfjs backend to force (null: the best that loads). */
  backend: string | null;
  /** Times a candidate is handed to another actor after its actor dies or times out. */
  maxRetries: number;
  /** Seconds after which an evaluation is given up on its actor and retried elsewhere (null: 10x the longest so far, at least a minute). */
  evalTimeout: number | null;
  /** Rank 0's live progress line on a terminal. */
  progress: boolean;
  /** Candidates with more parameters are refused before training (null: by this machine's memory, see defaultMaxParams). */
  maxParams: number | null;
}

/**
 * The candidate size budget when none is given: one parameter per KiB of this machine's memory.
 * Training with Adam holds 16 bytes a parameter (weight, gradient, two moments); the rest is
 * room for activations, several actors and the layer store. 24 GiB gives 25 million.
 */
export function defaultMaxParams(totalMemoryBytes: number): number {
  return Math.floor(totalMemoryBytes / 1024);
}

/** The run directories of `--donors-from` (comma-separated). */
export function donorDirs(donorsFrom: string | null): string[] {
  return (donorsFrom ?? '').split(',').map((d) => d.trim()).filter((d) => d !== '');
}
