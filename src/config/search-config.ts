// config/search-config.ts: the options of `graft search`, read in this order, later winning:
// defaults, `--config FILE` (JSON, camelCase keys), then flags. With `--resume DIR` the run's
// own `config.json` replaces defaults and file, and only options that cannot change the
// search's decisions may differ (more evaluations, more time, more actors).

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError } from '../errors.js';
// The run directory's module only: nas/index.js would load tfjs, which `graft submit` never needs.
import { checkOneBudget, checkSearchOptions, kConfigFile, kSearchDefaults, type SearchOptions } from '../nas/run/index.js';
import { optionsHelp, parseConfigObject, parseFlags, type OptionSpec, type OptionValues } from './options.js';

export const kSearchOptionSpecs: readonly OptionSpec[] = [
  { key: 'space', type: { kind: 'string' }, placeholder: 'NAME|FILE', help: 'search space: mnist-mlp, mnist-cnn, attn, synthetic, or a JSON file' },
  { key: 'data', type: { kind: 'string' }, placeholder: 'NAME|FILE', help: 'data: mnist, fashion-mnist, synthetic, a .csv file (label last), or X.npy,Y.npy' },
  { key: 'task', type: { kind: 'enum', values: ['classification', 'regression'] }, placeholder: 'KIND', help: 'what the labels of a data file are' },
  { key: 'strategy', type: { kind: 'enum', values: ['evolution', 'random'] }, placeholder: 'NAME', help: 'evolution (aging, regularized) or random' },
  { key: 'maxEvals', type: { kind: 'int', min: 1 }, placeholder: 'N', help: 'candidates to evaluate' },
  { key: 'population', type: { kind: 'int', min: 1 }, placeholder: 'P', help: 'population size of the evolution' },
  { key: 'sample', type: { kind: 'int', min: 1 }, placeholder: 'S', help: 'sample size of the evolution (at most P)' },
  { key: 'beta', type: { kind: 'number', min: 0 }, placeholder: 'B', help: 'weight mutation towards later nodes: (position+1)^B, 0 = uniform' },
  { key: 'epochs', type: { kind: 'int', min: 1 }, placeholder: 'N', help: 'training epochs per candidate' },
  { key: 'steps', type: { kind: 'int', min: 1 }, placeholder: 'N', help: 'train each candidate for N optimizer steps instead of --epochs' },
  { key: 'batchSize', type: { kind: 'int', min: 1 }, placeholder: 'N', help: 'training batch size' },
  { key: 'learningRate', type: { kind: 'number', min: 0 }, placeholder: 'LR', help: 'Adam learning rate' },
  { key: 'trainSize', type: { kind: 'int', min: 1 }, placeholder: 'N', help: 'training samples per candidate' },
  { key: 'valSize', type: { kind: 'int', min: 1 }, placeholder: 'N', help: 'validation samples per candidate' },
  { key: 'actorsPerRank', type: { kind: 'int', min: 0 }, placeholder: 'N', help: 'training actors on each rank (0: one per GPU, 1 without GPUs)' },
  { key: 'transfer', type: { kind: 'enum', values: ['none', 'prefix', 'parent', 'shape', 'partial'] }, placeholder: 'RULE', help: 'weight transfer: none; prefix (longest common layer-id prefix); parent (the evolutionary parent); shape (prefix + later layers of the same op, shape and position); partial (shape + overlapping slices of resized layers)' },
  { key: 'transferMode', type: { kind: 'enum', values: ['finetune', 'freeze'] }, placeholder: 'MODE', help: 'transferred layers keep training (finetune) or not (freeze)' },
  { key: 'donorsFrom', type: { kind: 'string' }, placeholder: 'DIR[,DIR…]', help: "earlier searches' run directories whose best models are donors from the start" },
  { key: 'seed', type: { kind: 'int', min: 0 }, placeholder: 'N', help: 'seed of the search and of every initialisation' },
  { key: 'out', type: { kind: 'string' }, placeholder: 'DIR', help: 'run directory: journal.jsonl, results.csv, config.json, models/' },
  { key: 'walltime', type: { kind: 'duration' }, placeholder: 'TIME', help: 'stop proposing in time to finish before this (90m, 2h, HH:MM:SS)' },
  { key: 'storeMb', type: { kind: 'int', min: 1 }, placeholder: 'MIB', help: "memory of each rank's layer store before layers spill to disk" },
  { key: 'spillDir', type: { kind: 'string' }, placeholder: 'DIR', help: 'where layers spill (default <out>/spill; on a cluster, the parallel file system)' },
  { key: 'backend', type: { kind: 'enum', values: ['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'] }, placeholder: 'NAME', help: 'force a tfjs backend (default: the best that loads)' },
  { key: 'maxRetries', type: { kind: 'int', min: 0 }, placeholder: 'N', help: "times a dead or slow actor's candidate is retried elsewhere" },
  { key: 'evalTimeout', type: { kind: 'duration' }, placeholder: 'TIME', help: 'give up on an evaluation after this long and retry it elsewhere (default: 10x the longest so far, at least 1m)' },
  { key: 'progress', type: { kind: 'boolean' }, help: 'live progress line on a terminal (--no-progress to turn off)' },
  { key: 'maxParams', type: { kind: 'int', min: 1 }, placeholder: 'N', help: 'refuse candidates of more parameters before training (default: one per KiB of memory)' },
];

/** The search's row for `key`, with the help another command (topk, pairs) shows for it. */
export function searchSpec(key: keyof SearchOptions, help: string): OptionSpec {
  const spec = kSearchOptionSpecs.find((s) => s.key === key);
  if (!spec) throw new Error(`no search option '${key}'`);
  return { ...spec, help };
}

/** Control options read beside the table: not part of the stored config. */
const kControlSpecs: readonly OptionSpec[] = [
  { key: 'config', type: { kind: 'string' }, placeholder: 'FILE', help: 'JSON file holding any of the options above (camelCase keys)' },
  { key: 'resume', type: { kind: 'string' }, placeholder: 'DIR', help: 'continue the search in DIR from its journal' },
];

/** Options that may change when resuming: they do not alter what the search proposes. */
const kResumable = new Set(['maxEvals', 'walltime', 'actorsPerRank', 'maxRetries', 'evalTimeout', 'progress', 'backend', 'storeMb', 'spillDir']);

export interface ResolvedSearchConfig {
  options: SearchOptions;
  /** The run directory to resume, when `--resume` was given. */
  resume: string | null;
}

export function searchHelp(): string {
  return [
    'Usage: graft search [options]            (also under mpirun -n N, same flags)',
    '',
    'Runs a neural architecture search with selective weight transfer. Writes to --out DIR:',
    'journal.jsonl (every proposal and result), results.csv, config.json, models/<id>/.',
    '',
    'Options:',
    optionsHelp([...kSearchOptionSpecs, ...kControlSpecs], kSearchDefaults as unknown as Record<string, unknown>),
    '',
  ].join('\n');
}

export function resolveSearchConfig(argv: readonly string[]): ResolvedSearchConfig {
  const { values, positionals } = parseFlags(argv, [...kSearchOptionSpecs, ...kControlSpecs], 'search');
  if (positionals.length > 0) throw new InvalidArgumentError(`'search' takes no positional arguments (got ${positionals.join(' ')})`);
  const { config, resume, ...flags } = values;
  let base: OptionValues = { ...kSearchDefaults } as unknown as OptionValues;
  if (typeof resume === 'string') {
    if (config !== undefined) throw new InvalidArgumentError('--resume uses the run\'s own config.json; drop --config');
    const storedFile = join(resume, kConfigFile);
    if (!existsSync(storedFile)) {
      throw new InvalidArgumentError(`--resume ${resume}: not a search run directory (it has no ${kConfigFile})`, { details: { option: 'resume' } });
    }
    const stored = readJsonFile(storedFile, `the run directory ${resume}`);
    base = { ...base, ...parseConfigObject(dropNulls(stored), kSearchOptionSpecs, storedFile) };
    for (const [k, v] of Object.entries(flags)) {
      if (!kResumable.has(k) && k !== 'out' && v !== base[k]) {
        throw new InvalidArgumentError(`--resume: option '${k}' cannot change (stored ${JSON.stringify(base[k])}, given ${JSON.stringify(v)}); only ${[...kResumable].join(', ')} may`, { details: { option: k } });
      }
    }
    base.out = resume;
  } else if (typeof config === 'string') {
    const fromFile = parseConfigObject(readJsonFile(config, 'config file'), kSearchOptionSpecs, config);
    checkOneBudget({ ...fromFile, ...flags });
    base = { ...base, ...fromFile };
  } else {
    checkOneBudget(flags);
  }
  const merged = { ...base, ...flags, ...(typeof resume === 'string' ? { out: resume } : {}) } as unknown as SearchOptions;
  checkSearchOptions(merged);
  return { options: merged, resume: typeof resume === 'string' ? resume : null };
}

function readJsonFile(file: string, what: string): unknown {
  if (!existsSync(file)) throw new InvalidArgumentError(`${what}: no file ${file}`, { details: { file } });
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new InvalidArgumentError(`${file} is not valid JSON: ${(cause as Error).message}`, { cause, details: { file } });
  }
}

function dropNulls(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v;
  return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== null));
}
