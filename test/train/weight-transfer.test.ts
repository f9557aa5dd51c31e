// test/train/weight-transfer.test.ts: extracting layers and loading a donor's prefix: loaded
// layers equal the donor's and the rest do not; freeze mode keeps them through training; a
// record that fails a check (checksum, shape, names) is skipped whole.

import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import {
  buildModel, extractLayers, layerIds, loadLayers, makeSyntheticDataset, selectBackend, trainModel,
} from 'graft/train';
import type { LayerRecord } from 'graft/store';
import { mlp } from './arch-fixtures.js';

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
