// nas/run/search-options.ts: the one typed, complete options object a search runs with, its
// defaults, and the resolver that fills a partial one and checks what no single field can
// (one budget, sample within population, donor runs that exist). config/ builds the partial
// one from a config file and flags; a program calls resolveSearchOptions itself. Stored as
// `config.json` in the run directory so `--resume` runs the same search.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError } from '../../errors.js';
import type { TransferRule } from './evaluation-record.js';
import { kJournalFile } from './run-files.js';

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

export const kSearchDefaults: Readonly<SearchOptions> = {
  space: 'mnist-mlp',
  data: 'mnist',
  task: 'classification',
  strategy: 'evolution',
  maxEvals: 20,
  population: 8,
  sample: 3,
  beta: 0,
  epochs: 1,
  steps: null,
  batchSize: 64,
  learningRate: 0.001,
  trainSize: 2000,
  valSize: 500,
  actorsPerRank: 0,
  transfer: 'shape',
  transferMode: 'finetune',
  donorsFrom: null,
  seed: 1,
  out: 'runs/search',
  walltime: null,
  storeMb: 1024,
  spillDir: null,
  backend: null,
  maxRetries: 2,
  evalTimeout: null,
  progress: true,
  maxParams: null,
};

/** The complete options: `given` over the defaults, checked (InvalidArgumentError naming the option). */
export function resolveSearchOptions(given: Partial<SearchOptions>): SearchOptions {
  checkOneBudget(given);
  const o: SearchOptions = { ...kSearchDefaults, ...given };
  checkSearchOptions(o);
  return o;
}

/** `epochs` and `steps` are two ways to give the same budget: one, not both. */
export function checkOneBudget(given: { epochs?: unknown; steps?: unknown }): void {
  if (given.epochs !== undefined && given.steps !== undefined && given.steps !== null) {
    throw new InvalidArgumentError(`--epochs (${given.epochs}) and --steps (${given.steps}) both give the training budget: keep one of them`, { details: { option: 'steps' } });
  }
}

/** What a complete options object must satisfy across fields. */
export function checkSearchOptions(o: SearchOptions): void {
  for (const dir of donorDirs(o.donorsFrom)) {
    if (!existsSync(join(dir, kJournalFile))) {
      throw new InvalidArgumentError(`--donors-from ${dir}: not a search run directory (it has no ${kJournalFile})`, { details: { option: 'donorsFrom', dir } });
    }
  }
  if (o.sample > o.population) {
    throw new InvalidArgumentError(`--sample (${o.sample}) must not exceed --population (${o.population})`, { details: { option: 'sample' } });
  }
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
