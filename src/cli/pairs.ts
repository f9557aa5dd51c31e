// cli/pairs.ts: `graft pairs DIR [--max N]`, the paired measurement after a search: trains the
// scratch twins of the candidates that loaded donor layers and prints, per candidate and in
// all, what transfer gained over the same architecture from scratch.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError } from '../errors.js';
import { pairsHelp, resolvePairsConfig } from '../config/pairs-config.js';
import { runPairs } from '../nas/index.js';
import { kJournalFile } from '../nas/run/index.js';
import { readRun } from '../report/index.js';
import { printPairedSummary } from './paired-summary.js';
import type { Command } from './command.js';

export const pairsCommand: Command = {
  summary: 'train scratch twins of the transferred candidates and test the paired gains',
  help: pairsHelp(),
  async run(argv) {
    const options = resolvePairsConfig(argv);
    if (!existsSync(join(options.dir, kJournalFile))) {
      throw new InvalidArgumentError(`${options.dir} holds no ${kJournalFile}: give the --out directory of a search`, { details: { option: 'DIR' } });
    }
    const result = await runPairs({
      ...options,
      onRecord: (r) => process.stderr.write(`graft pairs: twin of candidate ${r.id}: score ${r.score.toFixed(4)} in ${r.trainSeconds.toFixed(1)} s\n`),
    });
    if (!result) return 0;
    printPairedSummary(await readRun(options.dir), options.max);
    if (result.failed.length > 0) process.stdout.write(`twins that failed on every try: candidates ${result.failed.join(', ')}\n`);
    return result.failed.length === 0 ? 0 : 1;
  },
};
