// test/train/layer-ids.test.ts: stable layer ids (equal exactly when the layer and its whole
// upstream sub-graph are equal), the builder naming layers by id, and seeded initialisation.

import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { ArchitectureError, buildModel, layerIds, selectBackend, type Architecture } from 'graft/train';
import { mlp, skipNet, smallCnn } from './arch-fixtures.js';

const ids = (arch: Architecture): string[] => layerIds(arch).map((e) => e.layerId);

describe('layerIds()', () => {
  it('gives the same ids for the same architecture, whatever the key order or spelled-out defaults', () => {
    const a = smallCnn();
    const b = JSON.parse(JSON.stringify(a)) as Architecture;
    // Same config written differently: keys reordered, defaults spelled out.
    b.nodes[0].op = { activation: 'relu', padding: 'same', kernelSize: 3, filters: 8, strides: 1, op: 'conv2d' };
    expect(ids(b)).to.deep.equal(ids(a));
    // Node names do not take part.
    b.nodes.forEach((n, i) => { n.name = `n${i}`; });
    for (const n of b.nodes) n.inputs = n.inputs.map((x) => (x === 'input' ? x : `n${a.nodes.findIndex((m) => m.name === x)}`));
    b.outputFrom = `n${b.nodes.length - 1}`;
    expect(ids(b)).to.deep.equal(ids(a));
  });

  it('shares the prefix before a change and changes every id from the change on', () => {
    const a = ids(mlp(784, [64, 32, 16]));
    const b = ids(mlp(784, [64, 48, 16]));
    expect(b.slice(0, 2)).to.deep.equal(a.slice(0, 2)); // input, h0
    for (let i = 2; i < a.length; i++) expect(b[i]).to.not.equal(a[i]);
  });

  it('gives every layer of an architecture a distinct id, even identical twin branches', () => {
    const arch: Architecture = {
      inputShape: [4],
      nodes: [
        { name: 'x', op: { op: 'dense', units: 4 }, inputs: ['input'] },
        { name: 'y', op: { op: 'dense', units: 4 }, inputs: ['input'] },
        { name: 's', op: { op: 'add' }, inputs: ['x', 'y'] },
      ],
      outputFrom: 's',
      output: { units: 2, task: 'regression' },
    };
    for (const a of [arch, smallCnn(), skipNet()]) {
      const list = ids(a);
      expect(new Set(list).size).to.equal(list.length);
    }
  });

  it('depends on the input shape and the output head', () => {
    expect(ids(mlp(784, [32]))[1]).to.not.equal(ids(mlp(100, [32]))[1]);
    expect(ids(mlp(784, [32], 10)).at(-1)).to.not.equal(ids(mlp(784, [32], 5)).at(-1));
  });

  it('refuses broken architectures with an ArchitectureError naming the node', () => {
    const broken: Array<[Architecture, string]> = [
      [{ ...mlp(8, [4]), nodes: [{ name: 'h0', op: { op: 'dense', units: 4 }, inputs: ['nowhere'] }] }, 'h0'],
      [{ ...mlp(8, [4]), nodes: [{ name: 'h0', op: { op: 'conv2d', filters: 2, kernelSize: 3 }, inputs: ['input'] }] }, 'h0'],
      [{ inputShape: [8], nodes: [{ name: 'h0', op: { op: 'dense', units: 4 }, inputs: ['input'] }, { name: 'dead', op: { op: 'dense', units: 4 }, inputs: ['input'] }], outputFrom: 'h0', output: { units: 2, task: 'regression' } }, 'dead'],
    ];
    for (const [arch, node] of broken) {
      expect(() => layerIds(arch)).to.throw(ArchitectureError).with.property('details').that.includes({ node });
    }
  });
});

describe('buildModel()', () => {
  before(async () => {
    await selectBackend();
  });

  it('names every layer by its id and builds skip connections', () => {
    for (const arch of [smallCnn(), skipNet(), mlp(20, [8, 8])]) {
      const model = buildModel(arch);
      expect(model.layers.map((l) => l.name)).to.deep.equal(ids(arch));
      model.dispose();
    }
  });

  it('gives the same initial weights for the same seed, and others for another seed', () => {
    const weights = (seed: number): Float32Array[] => {
      const model = buildModel(smallCnn(), { seed });
      const values = model.getWeights().map((w) => w.dataSync() as Float32Array).map((v) => Float32Array.from(v));
      model.dispose();
      return values;
    };
    const a = weights(3);
    expect(weights(3)).to.deep.equal(a);
    const kernelOfFirstConv = 0;
    expect(weights(4)[kernelOfFirstConv]).to.not.deep.equal(a[kernelOfFirstConv]);
  });

  it('adds the flatten the output head needs and predicts the right shape', () => {
    const arch: Architecture = { inputShape: [6, 2], nodes: [{ name: 'c', op: { op: 'conv1d', filters: 3, kernelSize: 2 }, inputs: ['input'] }], outputFrom: 'c', output: { units: 4, task: 'classification' } };
    const model = buildModel(arch);
    const entries = layerIds(arch);
    expect(entries.map((e) => e.node)).to.deep.equal(['input', 'c', 'output-flatten', 'output']);
    const y = tf.tidy(() => (model.predict(tf.ones([2, 6, 2])) as tf.Tensor).shape);
    expect(y).to.deep.equal([2, 4]);
    model.dispose();
  });
});
