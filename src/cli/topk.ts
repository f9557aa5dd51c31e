// cli/topk.ts: `graft topk DIR --k 5`, the top-K phase after a search: prints each model's
// epochs, time and test score from its checkpoint and from scratch, the mean ratios, and the
// mean difference of test scores with its interval.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError } from '../errors.js';
import { resolveTopKConfig, topkHelp } from '../config/topk-config.js';
import { runTopK } from '../nas/index.js';
import { kJournalFile } from '../nas/run/index.js';
import { fmtSigned, meanDifferenceInterval } from '../report/index.js';
import type { Command } from './command.js';

export const topkCommand: Command = {
  summary: 'train the best K candidates fully, from NAS checkpoints and from scratch, and compare',
  help: topkHelp(),
  async run(argv) {
    const options = resolveTopKConfig(argv);
    if (!existsSync(join(options.dir, kJournalFile))) {
      throw new InvalidArgumentError(`${options.dir} holds no ${kJournalFile}: give the --out directory of a search`, { details: { option: 'DIR' } });
    }
    const result = await runTopK({
      ...options,
      onRecord: (r) => process.stderr.write(`graft topk: candidate ${r.id} from ${r.start}: ${r.epochs} epochs, ${r.seconds.toFixed(1)} s, test ${r.testScore.toFixed(4)}\n`),
    });
    if (!result) return 0;
    const rows = ['  id   search   ckpt epochs  ckpt s  ckpt test   scratch epochs  scratch s  scratch test'];
    for (const p of result.pairs) {
      rows.push(
        `  ${String(p.id).padEnd(4)} ${p.searchScore.toFixed(4)}   ${String(p.checkpoint.epochs).padStart(11)}  ${p.checkpoint.seconds.toFixed(1).padStart(6)}  ${p.checkpoint.testScore.toFixed(4).padStart(9)}   ${String(p.scratch.epochs).padStart(14)}  ${p.scratch.seconds.toFixed(1).padStart(9)}  ${p.scratch.testScore.toFixed(4).padStart(12)}`,
      );
    }
    if (result.failed.length > 0) rows.push(`failed on every try: candidates ${result.failed.join(', ')}`);
    rows.push(`ratio scratch/checkpoint: epochs ${result.epochRatio.toFixed(2)}x, time ${result.timeRatio.toFixed(2)}x (over ${result.pairs.length} distinct models)`);
    if (result.pairs.length > 1) {
      const d = meanDifferenceInterval(result.pairs.map((p) => p.checkpoint.testScore), result.pairs.map((p) => p.scratch.testScore));
      rows.push(`test score checkpoint − scratch: mean ${fmtSigned(d.estimate)} (95% interval ${fmtSigned(d.low)} to ${fmtSigned(d.high)})`);
    }
    process.stdout.write(rows.join('\n') + '\n');
    return result.failed.length === 0 ? 0 : 1;
  },
};
