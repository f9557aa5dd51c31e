// config/pairs-config.ts: the options of `graft pairs DIR`. The options it shares with
// `graft search` (actors, backend) are checked by the search's own table rows.

import { InvalidArgumentError } from '../errors.js';
import type { PairsOptions } from '../nas/run/index.js';
import { optionsHelp, parseFlags, type OptionSpec } from './options.js';
import { searchSpec } from './search-config.js';

const kPairsSpecs: readonly OptionSpec[] = [
  { key: 'max', type: { kind: 'int', min: 1 }, placeholder: 'N', help: 'pair at most N candidates, the first N by id that loaded donor layers (default: all of them)' },
  searchSpec('actorsPerRank', 'training actors on each rank (0: one per GPU, 1 without GPUs)'),
  searchSpec('backend', "force a tfjs backend (default: the search's)"),
];

export function pairsHelp(): string {
  return [
    'Usage: graft pairs DIR [options]            (also under mpirun -n N, same flags)',
    '',
    'The paired measurement of transfer: for each candidate of the search in DIR that loaded',
    'donor layers, trains its scratch twin (the same architecture from its own initialisation,',
    'with the same seed, data, batch order and budget), appends a `pair` record per twin to',
    'DIR/journal.jsonl (twins already there are kept, so it resumes), and prints the paired',
    'gains: Wilcoxon signed-rank test, median gain with a bootstrap 95% interval, share helped,',
    'and the same by fraction of parameters transferred.',
    '',
    'Options:',
    optionsHelp(kPairsSpecs, {}),
    '',
  ].join('\n');
}

export function resolvePairsConfig(argv: readonly string[]): PairsOptions {
  const { values, positionals } = parseFlags(argv, kPairsSpecs, 'pairs');
  if (positionals.length !== 1) {
    throw new InvalidArgumentError(`'pairs' takes one run directory (got ${positionals.length === 0 ? 'none' : positionals.join(' ')})`, { details: { option: 'DIR' } });
  }
  // parseFlags holds only the options given, each already checked against its row.
  return { dir: positionals[0]!, ...(values as Partial<PairsOptions>) };
}
