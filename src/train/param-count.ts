// train/param-count.ts: how many parameters the model of an architecture holds, counted from
// the checked node shapes alone, without building it (a candidate too large for the machine
// must be refused before tfjs allocates it). Counts what `countParams` counts on the built
// model: every weight of every layer, batch-norm's moving statistics included.

import type { Architecture } from './architecture.js';
import { nodesWithInputShape } from './architecture-check.js';

export function architectureParams(arch: Architecture): number {
  let total = 0;
  for (const { node, input } of nodesWithInputShape(arch)) {
    const channels = input[input.length - 1] ?? 0;
    const op = node.op;
    switch (op.op) {
      case 'dense':
        total += channels * op.units + op.units;
        break;
      case 'conv1d':
        total += op.kernelSize * channels * op.filters + op.filters;
        break;
      case 'conv2d':
        total += op.kernelSize * op.kernelSize * channels * op.filters + op.filters;
        break;
      case 'batchnorm':
        // gamma, beta, moving mean and moving variance
        total += 4 * channels;
        break;
      default:
        break;
    }
  }
  return total;
}
