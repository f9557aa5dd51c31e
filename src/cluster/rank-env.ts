// cluster/rank-env.ts: a tiny entry point run by scripts/graft-rank.sh on every rank before
// graft starts. It prints `export NAME=value` lines (this rank's CUDA_VISIBLE_DEVICES and local
// rank) for the wrapper to evaluate; on a bad environment it names the problem and exits 1, so
// the rank fails before it could touch a GPU it was not given.

import { GraftError } from '../errors.js';
import { rankEnvironment } from './gpu-affinity.js';
import { shellQuote } from './shell-quote.js';

try {
  const lines = Object.entries(rankEnvironment(process.env)).map(([name, value]) => `export ${name}=${shellQuote(value)}\n`);
  process.stdout.write(lines.join(''));
} catch (err) {
  const code = err instanceof GraftError ? ` [${err.code}]` : '';
  process.stderr.write(`graft-rank: ${err instanceof Error ? err.message : String(err)}${code}\n`);
  process.exitCode = 1;
}
