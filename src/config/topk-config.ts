// config/topk-config.ts: the options of `graft topk DIR`. The options it shares with
// `graft search` (data sizes, actors, backend) are checked by the search's own table rows.

import { InvalidArgumentError } from '../errors.js';
import type { TopKOptions } from '../nas/run/index.js';
import { optionsHelp, parseFlags, type OptionSpec } from './options.js';
import { searchSpec } from './search-config.js';

/** The top-K phase's own settings when not given; the rest default to the search's. */
const kTopKDefaults = { k: 5, maxEpochs: 30, patience: 3, minDelta: 0.001 } as const;

const kTopKSpecs: readonly OptionSpec[] = [
  { key: 'k', type: { kind: 'int', min: 1 }, placeholder: 'K', help: 'how many of the best candidates to train fully' },
  { key: 'maxEpochs', type: { kind: 'int', min: 1 }, placeholder: 'N', help: 'epoch limit of each full training' },
  { key: 'patience', type: { kind: 'int', min: 0 }, placeholder: 'N', help: 'early stopping: epochs without improvement of validation loss' },
  { key: 'minDelta', type: { kind: 'number', min: 0 }, placeholder: 'D', help: 'early stopping: smallest loss decrease that counts' },
  searchSpec('trainSize', "training samples (default: the search's)"),
  searchSpec('valSize', "validation samples (default: the search's)"),
  { key: 'testSize', type: { kind: 'int', min: 1 }, placeholder: 'N', help: 'test samples for the final score (default: as validation)' },
  searchSpec('actorsPerRank', 'training actors on each rank (0: one per GPU, 1 without GPUs)'),
  searchSpec('backend', "force a tfjs backend (default: the search's)"),
];

export function topkHelp(): string {
  return [
    'Usage: graft topk DIR [options]            (also under mpirun -n N, same flags)',
    '',
    'Trains the best K candidates of the search in DIR fully, from their NAS checkpoints and',
    'from scratch with the same seed, with early stopping; appends one top-K record per',
    'training to DIR/journal.jsonl and prints the ratio scratch/checkpoint of epochs and time.',
    '',
    'Options:',
    optionsHelp(kTopKSpecs, kTopKDefaults),
    '',
  ].join('\n');
}

export function resolveTopKConfig(argv: readonly string[]): TopKOptions {
  const { values, positionals } = parseFlags(argv, kTopKSpecs, 'topk');
  if (positionals.length !== 1) {
    throw new InvalidArgumentError(`'topk' takes one run directory (got ${positionals.length === 0 ? 'none' : positionals.join(' ')})`, { details: { option: 'DIR' } });
  }
  // parseFlags holds only the options given, each already checked against its row.
  return { dir: positionals[0]!, ...kTopKDefaults, ...(values as Partial<TopKOptions>) };
}
