// train/flop-count.ts: the floating-point operations of one forward pass of one sample,
// counted from the checked node shapes alone (the `flops` objective of a search). A
// multiply-add counts as two (dense and convolution layers, their bias adds included); every
// output element of pooling (its window), batch norm (a scale and a shift), an activation, an
// add of n inputs (n - 1) counts what it computes; reshapes, flatten, concatenation, identity
// and dropout (inference) cost nothing. Activations count one operation per element, whatever
// the function.

import type { Activation } from './architecture.js';
import type { Architecture } from './architecture.js';
import { nodesWithInputShape, product } from './architecture-check.js';

export function architectureFlops(arch: Architecture): number {
  let total = 0;
  for (const { node, input } of nodesWithInputShape(arch)) {
    const channels = input[input.length - 1] ?? 0;
    const out = product(node.shape);
    const op = node.op;
    switch (op.op) {
      case 'dense':
        total += 2 * channels * out + activationCost(op.activation, out);
        break;
      case 'conv1d':
        total += 2 * op.kernelSize * channels * out + activationCost(op.activation, out);
        break;
      case 'conv2d':
        total += 2 * op.kernelSize * op.kernelSize * channels * out + activationCost(op.activation, out);
        break;
      case 'maxpool1d':
      case 'avgpool1d':
        total += op.poolSize * out;
        break;
      case 'maxpool2d':
      case 'avgpool2d':
        total += op.poolSize * op.poolSize * out;
        break;
      case 'batchnorm':
        total += 2 * out;
        break;
      case 'activation':
        total += activationCost(op.activation, out);
        break;
      case 'add':
        total += (node.inputs.length - 1) * out;
        break;
      default:
        break;
    }
  }
  return total;
}

function activationCost(activation: Activation | undefined, elements: number): number {
  return activation === undefined || activation === 'linear' ? 0 : elements;
}
