// nas/space/builtin-spaces.ts: the search spaces graft ships, by name, and the lookup that takes a
// built-in name or a JSON file path. Each is an ordinary SearchSpace value.

import type { Activation } from '../../train/index.js';
import { SearchSpaceError } from '../errors.js';
import { readSearchSpaceFile } from './parse-space.js';
import type { ChoiceOp, SearchSpace } from './search-space.js';

const dense = (units: number, activation: Activation = 'relu'): ChoiceOp => ({ op: 'dense', units, activation });
const conv2d = (filters: number, kernelSize: number): ChoiceOp => ({ op: 'conv2d', filters, kernelSize, padding: 'same', activation: 'relu' });
const identity: ChoiceOp = { op: 'identity' };

/** Dense nodes with residual-style skips on flattened MNIST digits. */
const mnistMlp: SearchSpace = {
  name: 'mnist-mlp',
  prelude: [{ op: 'flatten' }],
  nodes: ['d0', 'd1', 'd2'].map((name) => ({
    name,
    ops: [identity, dense(32), dense(64), dense(128), dense(64, 'tanh'), dense(128, 'tanh'), { op: 'dropout', rate: 0.2 }],
  })),
  skips: { merge: 'add', maxDistance: 2 },
};

/** Small convolutional net: conv, pool, conv, pool, then a dense node (no skips). */
const mnistCnn: SearchSpace = {
  name: 'mnist-cnn',
  prelude: [{ op: 'reshape', targetShape: [28, 28, 1] }],
  nodes: [
    { name: 'c0', ops: [conv2d(8, 3), conv2d(16, 3), conv2d(8, 5), conv2d(16, 5)] },
    { name: 'p0', ops: [{ op: 'maxpool2d', poolSize: 2 }, { op: 'avgpool2d', poolSize: 2 }] },
    { name: 'c1', ops: [identity, conv2d(16, 3), conv2d(32, 3)] },
    { name: 'p1', ops: [{ op: 'maxpool2d', poolSize: 2 }, { op: 'avgpool2d', poolSize: 2 }, identity] },
    { name: 'f0', ops: [{ op: 'flatten' }] },
    { name: 'd0', ops: [identity, dense(32), dense(64), dense(64, 'tanh')] },
  ],
  skips: null,
};

/**
 * Shaped after the CANDLE Attn benchmark: a deep dense network over tabular features, wide
 * early layers narrowing towards the head, with batch norm and dropout choices and skips
 * merged by add across up to three nodes.
 */
const attn: SearchSpace = {
  name: 'attn',
  prelude: [{ op: 'flatten' }],
  nodes: [
    { name: 'a0', ops: [dense(256), dense(512), dense(1024), dense(256, 'tanh'), dense(512, 'tanh')] },
    { name: 'a1', ops: [identity, { op: 'batchnorm' }, { op: 'dropout', rate: 0.1 }, { op: 'dropout', rate: 0.2 }] },
    { name: 'a2', ops: [dense(128), dense(256), dense(512), dense(256, 'sigmoid'), dense(256, 'tanh')] },
    { name: 'a3', ops: [identity, { op: 'batchnorm' }, { op: 'dropout', rate: 0.1 }, { op: 'dropout', rate: 0.2 }] },
    { name: 'a4', ops: [dense(64), dense(128), dense(256), dense(128, 'tanh')] },
    { name: 'a5', ops: [identity, dense(32), dense(64), dense(64, 'tanh')] },
  ],
  skips: { merge: 'add', maxDistance: 3 },
};

/** A tiny dense space for tests and smoke runs on the synthetic task. */
const synthetic: SearchSpace = {
  name: 'synthetic',
  prelude: [],
  nodes: ['s0', 's1', 's2'].map((name) => ({ name, ops: [identity, dense(8), dense(16), dense(8, 'tanh')] })),
  skips: { merge: 'add', maxDistance: 1 },
};

export const builtinSpaces: Readonly<Record<string, SearchSpace>> = {
  'mnist-mlp': mnistMlp,
  'mnist-cnn': mnistCnn,
  attn,
  synthetic,
};

/** A built-in space by name, or a space read from a JSON file (any argument ending in .json or containing a path separator). */
export function resolveSearchSpace(nameOrFile: string): SearchSpace {
  const builtin = builtinSpaces[nameOrFile];
  if (builtin) return builtin;
  if (nameOrFile.endsWith('.json') || nameOrFile.includes('/')) return readSearchSpaceFile(nameOrFile);
  throw new SearchSpaceError(`unknown search space '${nameOrFile}': use one of ${Object.keys(builtinSpaces).join(', ')} or a JSON file`, { details: { space: nameOrFile } });
}
