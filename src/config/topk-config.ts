// config/topk-config.ts: the options of `graft topk DIR`.

import { InvalidArgumentError } from '../errors.js';
import type { TopKOptions } from '../nas/index.js';
import { optionsHelp, parseFlags, type OptionSpec } from './options.js';

export const kTopKSpecs: readonly OptionSpec[] = [
  { key: 'k', type: { kind: 'int', min: 1 }, placeholder: 'K', help: 'how many of the best candidates to train fully (default 5)' },
  { key: 'maxEpochs', type: { kind: 'int', min: 1 }, placeholder: 'N', help: 'epoch limit of each full training (default 30)' },
  { key: 'patience', type: { kind: 'int', min: 0 }, placeholder: 'N', help: 'early stopping: epochs without improvement of validation loss (default 3)' },
  { key: 'minDelta', type: { kind: 'number', min: 0 }, placeholder: 'D', help: 'early stopping: smallest loss decrease that counts (default 0.001)' },
  { key: 'trainSize', type: { kind: 'int', min: 1 }, placeholder: 'N', help: "training samples (default: the search's)" },
  { key: 'valSize', type: { kind: 'int', min: 1 }, placeholder: 'N', help: "validation samples (default: the search's)" },
  { key: 'testSize', type: { kind: 'int', min: 1 }, placeholder: 'N', help: 'test samples for the final score (default: as validation)' },
  { key: 'actorsPerRank', type: { kind: 'int', min: 0 }, placeholder: 'N', help: 'training actors on each rank (0: one per GPU, 1 without GPUs)' },
  { key: 'backend', type: { kind: 'enum', values: ['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'] }, placeholder: 'NAME', help: "force a tfjs backend (default: the search's)" },
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
    optionsHelp(kTopKSpecs),
    '',
  ].join('\n');
}

export function resolveTopKConfig(argv: readonly string[]): TopKOptions {
  const { values, positionals } = parseFlags(argv, kTopKSpecs, 'topk');
  if (positionals.length !== 1) {
    throw new InvalidArgumentError(`'topk' takes one run directory (got ${positionals.length === 0 ? 'none' : positionals.join(' ')})`, { details: { option: 'DIR' } });
  }
  return {
    dir: positionals[0]!,
    k: (values.k as number | undefined) ?? 5,
    maxEpochs: (values.maxEpochs as number | undefined) ?? 30,
    patience: (values.patience as number | undefined) ?? 3,
    minDelta: (values.minDelta as number | undefined) ?? 0.001,
    ...(values.trainSize !== undefined ? { trainSize: values.trainSize as number } : {}),
    ...(values.valSize !== undefined ? { valSize: values.valSize as number } : {}),
    ...(values.testSize !== undefined ? { testSize: values.testSize as number } : {}),
    ...(values.actorsPerRank !== undefined ? { actorsPerRank: values.actorsPerRank as number } : {}),
    ...(values.backend !== undefined ? { backend: values.backend as string } : {}),
  };
}
