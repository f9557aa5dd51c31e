// test/nas/fashion-mnist-data.test.ts: `--data fashion-mnist`: accepted and checked before any
// work, loaded at the search's sizes with the test split capped at the file's 10,000, and fit
// for the built-in 28×28 spaces, a model of each of which builds and trains a step on it.

import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinSpaces, checkDataSpec, loadSearchData, toArchitecture, variablesOf } from 'graft/nas';
import { DatasetError, buildModel, kFashionMnistDirEnv, selectBackend, trainModel, type Dataset } from 'graft/train';

describe('--data fashion-mnist', () => {
  let data: Dataset;

  before(async () => {
    await selectBackend();
    data = await loadSearchData({ data: 'fashion-mnist', task: 'classification', trainSize: 64, valSize: 32, testSize: 20_000, seed: 5 });
  });

  it('loads Fashion-MNIST at the search\'s sizes, the test split capped at 10,000', () => {
    expect(data.name).to.equal('fashion-mnist');
    expect([data.train.count, data.validation.count, data.test.count]).to.deep.equal([64, 32, 10_000]);
    expect(data.featureShape).to.deep.equal([28, 28, 1]);
  });

  it('passes the check when installed, and fails it with a DatasetError when not', () => {
    expect(() => checkDataSpec('fashion-mnist')).to.not.throw();
    const dir = mkdtempSync(join(tmpdir(), 'graft-fashion-empty-'));
    const old = process.env[kFashionMnistDirEnv];
    process.env[kFashionMnistDirEnv] = dir;
    try {
      expect(() => checkDataSpec('fashion-mnist')).to.throw(DatasetError).with.property('code', 'ERR_DATASET');
    } finally {
      if (old === undefined) delete process.env[kFashionMnistDirEnv];
      else process.env[kFashionMnistDirEnv] = old;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  for (const name of ['mnist-mlp', 'mnist-cnn']) {
    it(`builds a ${name} model for it that trains a step`, async () => {
      const space = builtinSpaces[name]!;
      // The third op where a node has one (dense or conv layers, not identity or dropout, in
      // both spaces) and every skip.
      const vector = variablesOf(space).map((v) => (v.kind === 'skip' ? 1 : Math.min(2, v.choices - 1)));
      const arch = toArchitecture(space, vector, { inputShape: data.featureShape, output: { units: data.outputUnits, task: data.task } });
      const model = buildModel(arch, { seed: 1 });
      const before = model.getWeights().map((w) => Array.from(w.dataSync()));
      const result = await trainModel(model, data, { steps: 1, batchSize: 32 });
      expect(result.steps).to.equal(1);
      expect(Number.isFinite(result.valLoss)).to.equal(true);
      expect(model.getWeights().map((w) => Array.from(w.dataSync()))).to.not.deep.equal(before);
      model.dispose();
    });
  }
});
