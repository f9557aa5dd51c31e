// nas/space/shapes.ts: output shapes of the ops a search space may use, without the batch
// dimension, so a space can be checked against the data and skips can be merged (and
// projected) before any model is built. Returns a reason string instead of throwing, so
// callers can name the node and op that does not fit.

import type { LayerOp } from '../../train/index.js';

export type Shape = number[];

export function shapeAfter(op: LayerOp, shape: Shape): Shape | string {
  switch (op.op) {
    case 'dense':
      if (shape.length < 1) return 'dense needs an input with at least one dimension';
      return [...shape.slice(0, -1), op.units];
    case 'conv1d':
    case 'conv2d': {
      const rank = op.op === 'conv1d' ? 2 : 3;
      if (shape.length !== rank) return `${op.op} needs an input of rank ${rank} (got [${shape.join(', ')}])`;
      const spatial = shape.slice(0, -1).map((n) => convLength(n, op.kernelSize, op.strides ?? 1, op.padding ?? 'valid'));
      if (spatial.some((n) => n < 1)) return `${op.op} with kernel ${op.kernelSize} does not fit [${shape.join(', ')}]`;
      return [...spatial, op.filters];
    }
    case 'maxpool1d':
    case 'avgpool1d':
    case 'maxpool2d':
    case 'avgpool2d': {
      const rank = op.op.endsWith('1d') ? 2 : 3;
      if (shape.length !== rank) return `${op.op} needs an input of rank ${rank} (got [${shape.join(', ')}])`;
      const spatial = shape.slice(0, -1).map((n) => convLength(n, op.poolSize, op.poolSize, 'valid'));
      if (spatial.some((n) => n < 1)) return `${op.op} with pool ${op.poolSize} does not fit [${shape.join(', ')}]`;
      return [...spatial, shape[shape.length - 1]!];
    }
    case 'flatten':
      return [shape.reduce((a, b) => a * b, 1)];
    case 'reshape': {
      const from = shape.reduce((a, b) => a * b, 1);
      const to = op.targetShape.reduce((a, b) => a * b, 1);
      if (from !== to) return `reshape to [${op.targetShape.join(', ')}] needs ${to} values per sample, the input has ${from}`;
      return [...op.targetShape];
    }
    case 'dropout':
    case 'batchnorm':
    case 'activation':
    case 'identity':
      return shape;
    case 'add':
    case 'concatenate':
      return `${op.op} is placed by skip connections, not chosen`;
  }
}

function convLength(n: number, kernel: number, stride: number, padding: 'same' | 'valid'): number {
  return padding === 'same' ? Math.ceil(n / stride) : Math.floor((n - kernel) / stride) + 1;
}

/** True when an op keeps every dimension but the last (what merging skips requires). */
export function keepsSpatialShape(op: LayerOp): boolean {
  switch (op.op) {
    case 'conv1d':
    case 'conv2d':
      return (op.padding ?? 'valid') === 'same' && (op.strides ?? 1) === 1;
    case 'dense':
    case 'dropout':
    case 'batchnorm':
    case 'activation':
    case 'identity':
      return true;
    default:
      return false;
  }
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((n, i) => n === b[i]);
}
