// test/train/weight-transfer.test.ts: extracting layers and loading a donor's prefix: loaded
// layers equal the donor's and the rest do not; freeze mode keeps them through training; a
// record that fails a check (checksum, shape, names) is skipped whole. Records loaded into
// layers of other names, and partial loads of other widths: exactly the overlap is copied,
// the rest keeps the layer's own values, and such layers are never frozen.

import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import {
  buildModel, countParams, extractLayers, layerIds, loadLayers, makeSyntheticDataset, selectBackend, trainModel,
  type Architecture,
} from 'graft/train';
import type { LayerRecord } from 'graft/store';
import { mlp, smallCnn } from './arch-fixtures.js';

const data = makeSyntheticDataset({ samples: 256, featureShape: [16], outputs: 4, seed: 1 });
const donorArch = mlp(16, [12, 10, 8], 4);
// Shares input, h0 and h1 with the donor; h2 differs, so h2 and the head do too.
const candidateArch = mlp(16, [12, 10, 6], 4);

function values(model: tf.LayersModel, layerId: string): number[][] {
  return model.getLayer(layerId).getWeights().map((w) => Array.from(w.dataSync()));
}

describe('extractLayers() and loadLayers()', () => {
  let donor: tf.LayersModel;
  let records: LayerRecord[];

  before(async () => {
    await selectBackend();
    donor = buildModel(donorArch, { seed: 1 });
    await trainModel(donor, data, { epochs: 1, batchSize: 32 });
    records = extractLayers(donor);
  });

  after(() => donor.dispose());

  it('extracts every layer with weights, with checksummed bytes', () => {
    const withWeights = donor.layers.filter((l) => l.weights.length > 0).map((l) => l.name);
    expect(records.map((r) => r.layerId)).to.deep.equal(withWeights);
    const first = records[0];
    expect(first.tensors.map((t) => t.name)).to.deep.equal(['kernel', 'bias']);
    expect(first.tensors[0].shape).to.deep.equal([16, 12]);
    expect(first.tensors[0].bytes.byteLength).to.equal(16 * 12 * 4);
  });

  it('loads the shared prefix: those layers equal the donor, the others do not', () => {
    const candidate = buildModel(candidateArch, { seed: 2 });
    const candidateIds = layerIds(candidateArch).map((e) => e.layerId);
    const shared = records.filter((r) => candidateIds.includes(r.layerId));
    expect(shared).to.have.length(2);
    const report = loadLayers(candidate, shared);
    expect(report.loaded).to.deep.equal(shared.map((r) => r.layerId));
    expect(report.skipped).to.deep.equal([]);
    for (const r of shared) expect(values(candidate, r.layerId)).to.deep.equal(values(donor, r.layerId));
    const donorH2 = donor.layers[3].getWeights()[1].shape;
    const candidateRest = candidate.layers.slice(3).filter((l) => l.weights.length > 0);
    expect(candidateRest).to.have.length(2);
    for (const layer of candidateRest) expect(candidateIds.slice(0, 3)).to.not.include(layer.name);
    expect(candidate.layers[3].getWeights()[1].shape).to.not.deep.equal(donorH2);
    // Layers of the donor the candidate does not have are reported, not loaded.
    const all = loadLayers(candidate, records);
    expect(all.skipped.map((s) => s.reason)).to.deep.equal(['not-in-model', 'not-in-model']);
    candidate.dispose();
  });

  it('freeze mode keeps transferred weights unchanged by training, and the others train', async () => {
    const candidate = buildModel(candidateArch, { seed: 2 });
    const shared = records.filter((r) => candidate.layers.some((l) => l.name === r.layerId));
    loadLayers(candidate, shared, { mode: 'freeze' });
    const tail = candidate.layers[3].name;
    const tailBefore = values(candidate, tail);
    await trainModel(candidate, data, { epochs: 1, batchSize: 32 });
    for (const r of shared) expect(values(candidate, r.layerId)).to.deep.equal(values(donor, r.layerId));
    expect(values(candidate, tail)).to.not.deep.equal(tailBefore);
    candidate.dispose();
  });

  it('freeze mode also keeps a batch norm layer\'s moving statistics', async () => {
    const arch = { ...mlp(16, [12], 4) };
    arch.nodes = [...arch.nodes, { name: 'bn', op: { op: 'batchnorm' as const }, inputs: ['h0'] }];
    arch.outputFrom = 'bn';
    const a = buildModel(arch, { seed: 1 });
    await trainModel(a, data, { epochs: 1 });
    // The candidate adds a layer after the batch norm, so only its head and that layer train.
    const bArch = { ...arch, nodes: [...arch.nodes, { name: 'top', op: { op: 'dense' as const, units: 5 }, inputs: ['bn'] }], outputFrom: 'top' };
    const b = buildModel(bArch, { seed: 2 });
    const report = loadLayers(b, extractLayers(a), { mode: 'freeze' });
    expect(report.loaded).to.have.length(2);
    await trainModel(b, data, { epochs: 1 });
    const bn = a.layers[2].name;
    expect(values(b, bn)).to.deep.equal(values(a, bn));
    a.dispose();
    b.dispose();
  });

  it('refuses a record whose checksum does not match, and loads nothing of it', () => {
    const candidate = buildModel(donorArch, { seed: 9 });
    const target = records[1];
    const before = values(candidate, target.layerId);
    const corrupt: LayerRecord = {
      layerId: target.layerId,
      tensors: target.tensors.map((t, i) => {
        if (i === 0) return t; // the kernel is intact …
        const bytes = t.bytes.slice();
        bytes[0] ^= 0xff; // … the bias is not
        return { ...t, bytes };
      }),
    };
    const report = loadLayers(candidate, [corrupt]);
    expect(report.loaded).to.deep.equal([]);
    expect(report.skipped).to.have.length(1);
    expect(report.skipped[0]).to.include({ layerId: target.layerId, reason: 'checksum' });
    expect(values(candidate, target.layerId)).to.deep.equal(before);
    candidate.dispose();
  });

  it('refuses a record of the wrong shape or with missing tensors', () => {
    const candidate = buildModel(donorArch, { seed: 9 });
    const target = records[0];
    const wrongShape: LayerRecord = { layerId: target.layerId, tensors: target.tensors.map((t) => ({ ...t, shape: [...t.shape].reverse() })) };
    const missing: LayerRecord = { layerId: target.layerId, tensors: target.tensors.slice(0, 1) };
    const report = loadLayers(candidate, [wrongShape, missing]);
    expect(report.skipped.map((s) => s.reason)).to.deep.equal(['shape', 'tensor-names']);
    candidate.dispose();
  });
});

/** The names of the model's layers that have weights, in order. */
function weighted(model: tf.LayersModel): string[] {
  return model.layers.filter((l) => l.weights.length > 0).map((l) => l.name);
}

/** The first weight (the kernel) of a layer, cut to `size` from `begin`, as nested arrays. */
function kernelPart(model: tf.LayersModel, layer: string, begin: number[], size: number[]): unknown {
  return tf.tidy(() => model.getLayer(layer).getWeights()[0].slice(begin, size).arraySync());
}

describe('loadLayers() with targets and partial loads', () => {
  before(async () => {
    await selectBackend();
  });

  it('loads records into the layers the targets name', () => {
    const donor = buildModel(mlp(16, [12, 10], 4), { seed: 1 });
    // A tanh first layer changes every id but keeps every shape.
    const arch: Architecture = mlp(16, [12, 10], 4);
    arch.nodes[0] = { ...arch.nodes[0], op: { op: 'dense', units: 12, activation: 'tanh' } };
    const candidate = buildModel(arch, { seed: 2 });
    const [from0, from1] = weighted(donor);
    const [to0, to1] = weighted(candidate);
    expect([to0, to1]).to.not.include(from0).and.not.include(from1);
    const records = extractLayers(donor).slice(0, 2);
    expect(loadLayers(candidate, records).skipped.map((s) => s.reason)).to.deep.equal(['not-in-model', 'not-in-model']);
    const report = loadLayers(candidate, records, { targets: new Map([[from0, to0], [from1, to1]]) });
    expect(report.loaded).to.deep.equal([to0, to1]);
    expect(report.partial).to.deep.equal([]);
    expect(report.paramsLoaded).to.equal(16 * 12 + 12 + 12 * 10 + 10);
    expect(values(candidate, to0)).to.deep.equal(values(donor, from0));
    expect(values(candidate, to1)).to.deep.equal(values(donor, from1));
    // A second record for a layer already loaded is refused, not written over it.
    const twice = loadLayers(candidate, [records[0], records[0]], { targets: new Map([[from0, to0]]) });
    expect(twice.loaded).to.deep.equal([to0]);
    expect(twice.skipped.map((s) => s.reason)).to.deep.equal(['target-taken']);
    donor.dispose();
    candidate.dispose();
  });

  for (const [donorWidth, candidateWidth] of [[128, 64], [64, 128]]) {
    it(`copies exactly the overlap of a dense kernel [784, ${candidateWidth}] ← [784, ${donorWidth}]`, () => {
      const donor = buildModel(mlp(784, [donorWidth], 10), { seed: 1 });
      const candidate = buildModel(mlp(784, [candidateWidth], 10), { seed: 2 });
      const [from] = weighted(donor);
      const [to] = weighted(candidate);
      const before = values(candidate, to);
      const record = extractLayers(donor)[0];
      expect(loadLayers(candidate, [record], { targets: new Map([[from, to]]) }).skipped[0]).to.include({ reason: 'shape' });
      const report = loadLayers(candidate, [record], { targets: new Map([[from, to]]), partial: true });
      expect(report.loaded).to.deep.equal([]);
      expect(report.partial).to.deep.equal([to]);
      expect(report.skipped).to.deep.equal([]);
      expect(report.paramsLoaded).to.equal(784 * 64 + 64);
      const shared = [784, 64];
      expect(kernelPart(candidate, to, [0, 0], shared)).to.deep.equal(kernelPart(donor, from, [0, 0], shared));
      const bias = values(candidate, to)[1];
      expect(bias.slice(0, 64)).to.deep.equal(values(donor, from)[1].slice(0, 64));
      if (candidateWidth > donorWidth) {
        // The columns the donor lacks keep the candidate's own initial values.
        const rest = [784, candidateWidth - 64];
        const own = tf.tidy(() => tf.tensor(before[0], [784, candidateWidth]).slice([0, 64], rest).arraySync());
        expect(kernelPart(candidate, to, [0, 64], rest)).to.deep.equal(own);
        expect(bias.slice(64)).to.deep.equal(before[1].slice(64));
      }
      donor.dispose();
      candidate.dispose();
    });
  }

  it('copies the overlap of a conv kernel of more filters, the rest unchanged', () => {
    const donor = buildModel(smallCnn(4), { seed: 1 });
    const candidate = buildModel(smallCnn(8), { seed: 2 });
    const [from] = weighted(donor);
    const [to] = weighted(candidate);
    const before = tf.tidy(() => candidate.getLayer(to).getWeights()[0].slice([0, 0, 0, 4], [3, 3, 1, 4]).arraySync());
    const report = loadLayers(candidate, extractLayers(donor).slice(0, 1), { targets: new Map([[from, to]]), partial: true });
    expect(report.partial).to.deep.equal([to]);
    expect(report.paramsLoaded).to.equal(3 * 3 * 1 * 4 + 4);
    expect(kernelPart(candidate, to, [0, 0, 0, 0], [3, 3, 1, 4])).to.deep.equal(kernelPart(donor, from, [0, 0, 0, 0], [3, 3, 1, 4]));
    expect(kernelPart(candidate, to, [0, 0, 0, 4], [3, 3, 1, 4])).to.deep.equal(before);
    donor.dispose();
    candidate.dispose();
  });

  it('freezes only layers loaded whole; partial layers keep training', async () => {
    const donor = buildModel(mlp(16, [12, 10], 4), { seed: 1 });
    const candidate = buildModel(mlp(16, [12, 6], 4), { seed: 2 });
    const [same, from1, fromHead] = weighted(donor);
    const [, to1, toHead] = weighted(candidate);
    expect(weighted(candidate)[0]).to.equal(same);
    const report = loadLayers(candidate, extractLayers(donor), {
      mode: 'freeze', partial: true, targets: new Map([[from1, to1], [fromHead, toHead]]),
    });
    expect(report.loaded).to.deep.equal([same]);
    expect(report.partial).to.deep.equal([to1, toHead]);
    expect(report.paramsLoaded).to.equal(16 * 12 + 12 + (12 * 6 + 6) + (6 * 4 + 4));
    // The candidate is narrower than the donor everywhere, so every one of its weights came over.
    expect(report.paramsLoaded).to.equal(countParams(candidate));
    expect(countParams(donor)).to.equal(16 * 12 + 12 + 12 * 10 + 10 + 10 * 4 + 4);
    expect([same, to1, toHead].map((name) => candidate.getLayer(name).trainable)).to.deep.equal([false, true, true]);
    const frozen = values(candidate, same);
    const partial = values(candidate, to1);
    await trainModel(candidate, data, { epochs: 1, batchSize: 32 });
    expect(values(candidate, same)).to.deep.equal(frozen);
    expect(values(candidate, to1)).to.not.deep.equal(partial);
    donor.dispose();
    candidate.dispose();
  });

  it('still skips a record whose checksum fails or whose rank differs, loading nothing of it', () => {
    const donor = buildModel(mlp(16, [12, 10], 4), { seed: 1 });
    const candidate = buildModel(mlp(16, [12, 6], 4), { seed: 2 });
    const [, from1] = weighted(donor);
    const [, to1] = weighted(candidate);
    const before = values(candidate, to1);
    const record = extractLayers(donor)[1];
    const corrupt: LayerRecord = {
      layerId: from1,
      tensors: record.tensors.map((t, i) => (i === 0 ? { ...t, bytes: t.bytes.map((b, j) => (j === 0 ? b ^ 0xff : b)) } : t)),
    };
    const flat: LayerRecord = { layerId: from1, tensors: record.tensors.map((t, i) => (i === 0 ? { ...t, shape: [12 * 10] } : t)) };
    const targets = new Map([[from1, to1]]);
    const report = loadLayers(candidate, [corrupt, flat], { targets, partial: true });
    expect(report.skipped.map((s) => s.reason)).to.deep.equal(['checksum', 'shape']);
    expect(report.partial).to.deep.equal([]);
    expect(report.paramsLoaded).to.equal(0);
    expect(values(candidate, to1)).to.deep.equal(before);
    donor.dispose();
    candidate.dispose();
  });
});
