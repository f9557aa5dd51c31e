// test/train/seeded-dropout.test.ts: dropout that repeats from a seed: two trainings of the
// same model with dropout end in bit-identical weights, another seed in other weights; each
// training step draws a fresh mask; a saved model reloads with seeded dropout and trains the
// same as the model it was saved from.

import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SeededDropout, buildModel, loadModel, makeSyntheticDataset, saveModel, selectBackend, trainModel, type Architecture } from 'graft/train';

/** An MLP with a heavy dropout between its two hidden layers, so masks shape the weights. */
const arch: Architecture = {
  inputShape: [8],
  nodes: [
    { name: 'h0', op: { op: 'dense', units: 32, activation: 'relu' }, inputs: ['input'] },
    { name: 'drop', op: { op: 'dropout', rate: 0.5 }, inputs: ['h0'] },
    { name: 'h1', op: { op: 'dense', units: 16, activation: 'relu' }, inputs: ['drop'] },
  ],
  outputFrom: 'h1',
  output: { units: 3, task: 'classification' },
};

const data = makeSyntheticDataset({ samples: 200, featureShape: [8], outputs: 3, seed: 7 });

function weightsOf(model: tf.LayersModel): Float32Array[] {
  return model.weights.map((w) => Float32Array.from(w.read().dataSync()));
}

async function trainedWeights(buildSeed: number, trainSeed: number, model = buildModel(arch, { seed: buildSeed })): Promise<Float32Array[]> {
  try {
    await trainModel(model, data, { epochs: 2, batchSize: 16, learningRate: 1e-2, seed: trainSeed });
    return weightsOf(model);
  } finally {
    model.dispose();
  }
}

describe('seeded dropout', () => {
  before(async () => {
    await selectBackend();
  });

  it('builds dropout nodes as SeededDropout layers', () => {
    const model = buildModel(arch, { seed: 1 });
    expect(model.layers.filter((l) => l instanceof SeededDropout)).to.have.length(1);
    model.dispose();
  });

  it('gives bit-identical weights for the same architecture, seed and data', async () => {
    const a = await trainedWeights(1, 5);
    const b = await trainedWeights(1, 5);
    expect(a.map((w) => Buffer.from(w.buffer).toString('hex'))).to.deep.equal(b.map((w) => Buffer.from(w.buffer).toString('hex')));
  });

  it('gives other weights for another seed', async () => {
    const a = await trainedWeights(1, 5);
    expect(await trainedWeights(2, 6)).to.not.deep.equal(a);
  });

  it('draws a fresh mask on every training step, and the same sequence again after reseeding', () => {
    const layer = new SeededDropout({ name: 'd', rate: 0.5, seed: 3 });
    const x = tf.ones([4, 64]);
    const masks = (): string[] => [0, 1, 2].map(() => {
      const y = layer.apply(x, { training: true }) as tf.Tensor;
      const text = Array.from(y.dataSync(), (v) => (v === 0 ? '0' : '1')).join('');
      y.dispose();
      return text;
    });
    const first = masks();
    expect(new Set(first).size).to.equal(3);
    layer.reseed(3);
    expect(masks()).to.deep.equal(first);
    const inference = layer.apply(x, { training: false }) as tf.Tensor;
    expect(Array.from(inference.dataSync()).every((v) => v === 1)).to.equal(true);
    x.dispose();
  });

  it('reloads a saved model with seeded dropout that trains like the original', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'graft-dropout-'));
    try {
      const model = buildModel(arch, { seed: 1 });
      await saveModel(model, dir);
      const expected = await trainedWeights(1, 5, model);
      const loaded = await loadModel(dir);
      expect(loaded.layers.filter((l) => l instanceof SeededDropout)).to.have.length(1);
      expect(await trainedWeights(1, 5, loaded)).to.deep.equal(expected);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

});
