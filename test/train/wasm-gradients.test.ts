// test/train/wasm-gradients.test.ts: the gradients convolutional models need, computed on the
// wasm backend (with graft's Conv2DBackpropFilter and MaxPoolGrad) against the cpu backend's,
// within 1e-4 relative error (largest difference over largest magnitude); then a CNN trains
// on wasm.

import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import {
  buildModel, loadMnist, probeBackends, selectBackend, trainModel, wasmGradientKernelNames, type Architecture,
} from 'graft/train';
import { smallCnn } from './arch-fixtures.js';

/** Deterministic values in [-1, 1) for a shape. */
function filled(shape: number[], salt: number): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(n);
  for (let i = 0; i < n; i++) values[i] = (((i * 7919 + salt * 104729) % 2003) / 1001.5) - 1;
  return tf.tensor(values, shape);
}

/** Gradients of sum(f(inputs) ⊙ r) with respect to every input, as plain arrays. */
function gradients(shapes: number[][], f: (...xs: tf.Tensor[]) => tf.Tensor): Float32Array[] {
  return tf.tidy(() => {
    const inputs = shapes.map((s, i) => filled(s, i + 1));
    const loss = (...xs: tf.Tensor[]): tf.Tensor => {
      const y = f(...xs);
      return tf.sum(tf.mul(y, filled(y.shape, 99)));
    };
    return tf.grads(loss)(inputs).map((g) => Float32Array.from(g.dataSync()));
  });
}

function relativeError(a: Float32Array, b: Float32Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / Math.max(scale, 1e-30);
}

async function onBoth<T>(run: () => T): Promise<{ wasm: T; cpu: T }> {
  await selectBackend('cpu');
  const cpu = run();
  await selectBackend('wasm');
  return { wasm: run(), cpu };
}

const cases: Array<{ name: string; shapes: number[][]; f: (...xs: tf.Tensor[]) => tf.Tensor }> = [
  { name: 'conv2d 3×3, stride 1, same', shapes: [[2, 9, 9, 3], [3, 3, 3, 4]], f: (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same') },
  { name: 'conv2d 3×3, stride 2, valid', shapes: [[2, 9, 9, 3], [3, 3, 3, 4]], f: (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 2, 'valid') },
  { name: 'conv2d 2×3, strides [2, 1], same', shapes: [[3, 8, 7, 2], [2, 3, 2, 5]], f: (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, [2, 1], 'same') },
  { name: 'conv2d 5×5, stride 1, same, 16 channels', shapes: [[4, 14, 14, 16], [5, 5, 16, 8]], f: (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same') },
  // 48·48 rows × 1,000 columns per sample: past the patch-matrix limit, so built in chunks.
  { name: 'conv2d 5×5 on 48×48×40 (patches built in chunks)', shapes: [[3, 48, 48, 40], [5, 5, 40, 2]], f: (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same') },
  { name: 'conv1d 3, stride 1, same', shapes: [[2, 20, 3], [3, 3, 4]], f: (x, w) => tf.conv1d(x as tf.Tensor3D, w as tf.Tensor3D, 1, 'same') },
  { name: 'conv1d 4, stride 2, valid', shapes: [[3, 17, 2], [4, 2, 6]], f: (x, w) => tf.conv1d(x as tf.Tensor3D, w as tf.Tensor3D, 2, 'valid') },
  { name: 'max pool 2×2 (windows of negative values included)', shapes: [[2, 8, 8, 3]], f: (x) => tf.maxPool(x as tf.Tensor4D, 2, 2, 'valid') },
  { name: 'max pool 3×3, stride 1, same', shapes: [[1, 5, 6, 2]], f: (x) => tf.maxPool(x as tf.Tensor4D, 3, 1, 'same') },
  { name: 'average pool 2×2', shapes: [[2, 9, 9, 3]], f: (x) => tf.avgPool(x as tf.Tensor4D, 2, 2, 'valid') },
  { name: 'batch norm', shapes: [[4, 5, 5, 3], [3], [3]], f: (x, g, b) => tf.batchNorm(x, tf.mean(x, [0, 1, 2]), tf.moments(x, [0, 1, 2]).variance, b, g, 1e-3) },
];

describe('wasm gradient kernels', () => {
  before(async function () {
    if (!(await probeBackends()).includes('wasm')) this.skip();
  });

  after(async () => {
    await selectBackend();
  });

  it('registers Conv2DBackpropFilter and MaxPoolGrad for wasm', () => {
    expect(wasmGradientKernelNames()).to.deep.equal(['Conv2DBackpropFilter', 'MaxPoolGrad']);
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).to.not.equal(undefined);
  });

  for (const c of cases) {
    it(`${c.name}: wasm matches cpu within 1e-4`, async () => {
      const { wasm, cpu } = await onBoth(() => gradients(c.shapes, c.f));
      expect(wasm).to.have.length(c.shapes.length);
      wasm.forEach((g, i) => expect(relativeError(g, cpu[i]), `input ${i}`).to.be.below(1e-4));
    });
  }

  /** Gradients of every trainable weight of a freshly built model, one batch, training mode. */
  function modelGradients(arch: Architecture, batch: number): Float32Array[] {
    const model = buildModel(arch, { seed: 5 });
    const grads = tf.tidy(() => {
      const x = filled([batch, ...arch.inputShape], 1);
      const r = filled([batch, arch.output.units], 2);
      const { grads } = tf.variableGrads(() => tf.sum(tf.mul(model.apply(x, { training: true }) as tf.Tensor, r)) as tf.Scalar);
      return model.trainableWeights.map((w) => Float32Array.from(grads[(w.read() as tf.Variable).name].dataSync()));
    });
    model.dispose();
    return grads;
  }

  it('a whole CNN (conv2d, max pool, batch norm, strided conv, dense): every weight gradient matches', async () => {
    // The small CNN without its dropout, whose random mask differs between backends.
    const arch = smallCnn(4);
    arch.nodes = arch.nodes.filter((n) => n.op.op !== 'dropout');
    arch.nodes.find((n) => n.name === 'f')!.inputs = ['c2'];
    const { wasm, cpu } = await onBoth(() => modelGradients(arch, 3));
    expect(wasm).to.have.length(10);
    wasm.forEach((g, i) => expect(relativeError(g, cpu[i]), `weight ${i}`).to.be.below(1e-4));
  });

  it('a whole conv1d model (tanh convs, max and average pools, batch norm): every weight gradient matches', async () => {
    const arch: Architecture = {
      inputShape: [24, 2],
      nodes: [
        { name: 'c1', op: { op: 'conv1d', filters: 4, kernelSize: 3, padding: 'same', activation: 'tanh' }, inputs: ['input'] },
        { name: 'p1', op: { op: 'maxpool1d', poolSize: 2 }, inputs: ['c1'] },
        { name: 'bn', op: { op: 'batchnorm' }, inputs: ['p1'] },
        { name: 'c2', op: { op: 'conv1d', filters: 6, kernelSize: 3, strides: 2 }, inputs: ['bn'] },
        { name: 'p2', op: { op: 'avgpool1d', poolSize: 2 }, inputs: ['c2'] },
      ],
      outputFrom: 'p2',
      output: { units: 2, task: 'regression' },
    };
    const { wasm, cpu } = await onBoth(() => modelGradients(arch, 4));
    expect(wasm).to.have.length(8);
    wasm.forEach((g, i) => expect(relativeError(g, cpu[i]), `weight ${i}`).to.be.below(1e-4));
  });

  it('trains the small CNN (with dropout) on wasm', async () => {
    await selectBackend('wasm');
    const mnist = await loadMnist({ trainSize: 1024, validationSize: 256, testSize: 0, seed: 2 });
    const model = buildModel(smallCnn(), { seed: 1 });
    const result = await trainModel(model, mnist, { epochs: 2, batchSize: 32 });
    expect(result.backend).to.equal('wasm');
    expect(result.score).to.be.above(0.6);
    model.dispose();
  });
});
