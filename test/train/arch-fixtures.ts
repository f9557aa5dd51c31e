// test/train/arch-fixtures.ts: small architectures shared by the training tests.

import type { Architecture, ArchNode } from 'graft/train';

/** An MLP on `inputs` features: one hidden dense layer per entry of `hidden`. */
export function mlp(inputs: number, hidden: number[], classes = 10): Architecture {
  const nodes: ArchNode[] = hidden.map((units, i) => ({
    name: `h${i}`,
    op: { op: 'dense', units, activation: 'relu' },
    inputs: [i === 0 ? 'input' : `h${i - 1}`],
  }));
  return { inputShape: [inputs], nodes, outputFrom: nodes[nodes.length - 1].name, output: { units: classes, task: 'classification' } };
}

/** A small CNN for 28×28×1 images: conv, max pool, batch norm, conv, dropout, flatten, dense. */
export function smallCnn(filters = 8): Architecture {
  return {
    inputShape: [28, 28, 1],
    nodes: [
      { name: 'c1', op: { op: 'conv2d', filters, kernelSize: 3, padding: 'same', activation: 'relu' }, inputs: ['input'] },
      { name: 'p1', op: { op: 'maxpool2d', poolSize: 2 }, inputs: ['c1'] },
      { name: 'bn', op: { op: 'batchnorm' }, inputs: ['p1'] },
      { name: 'c2', op: { op: 'conv2d', filters: filters * 2, kernelSize: 3, strides: 2, activation: 'relu' }, inputs: ['bn'] },
      { name: 'd', op: { op: 'dropout', rate: 0.25 }, inputs: ['c2'] },
      { name: 'f', op: { op: 'flatten' }, inputs: ['d'] },
      { name: 'fc', op: { op: 'dense', units: 32, activation: 'relu' }, inputs: ['f'] },
    ],
    outputFrom: 'fc',
    output: { units: 10, task: 'classification' },
  };
}

/** A residual block: two dense branches joined by add, then concatenate with the input. */
export function skipNet(width = 8): Architecture {
  return {
    inputShape: [width],
    nodes: [
      { name: 'a', op: { op: 'dense', units: width, activation: 'relu' }, inputs: ['input'] },
      { name: 'b', op: { op: 'dense', units: width }, inputs: ['a'] },
      { name: 'sum', op: { op: 'add' }, inputs: ['input', 'b'] },
      { name: 'cat', op: { op: 'concatenate' }, inputs: ['sum', 'a'] },
      { name: 'bn', op: { op: 'batchnorm' }, inputs: ['cat'] },
    ],
    outputFrom: 'bn',
    output: { units: 3, task: 'classification' },
  };
}
