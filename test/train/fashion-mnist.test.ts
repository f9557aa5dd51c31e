// test/train/fashion-mnist.test.ts: Fashion-MNIST from Debian's gzipped IDX files through the
// same loader as MNIST: shapes, labels, seeded subsets, its own standardisation, the folder
// named by the environment, and a typed error when the files are not there.

import { expect } from 'chai';
import { mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DatasetError, checkIdxImages, defaultFashionMnistDir, kFashionMnistDirEnv, loadFashionMnist, loadMnist,
} from 'graft/train';

const sizes = { trainSize: 600, validationSize: 200, testSize: 100 };

function mean(values: Float32Array): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** Runs `fn` with the environment variable set to `value`, then puts the old value back. */
async function withDirEnv<T>(value: string, fn: () => Promise<T>): Promise<T> {
  const old = process.env[kFashionMnistDirEnv];
  process.env[kFashionMnistDirEnv] = value;
  try {
    return await fn();
  } finally {
    if (old === undefined) delete process.env[kFashionMnistDirEnv];
    else process.env[kFashionMnistDirEnv] = old;
  }
}

describe('loadFashionMnist()', () => {
  it('reads the gzipped files into seeded subsets of 28×28 images with labels in [0, 10)', async () => {
    const a = await loadFashionMnist({ ...sizes, seed: 3 });
    const b = await loadFashionMnist({ ...sizes, seed: 3 });
    const c = await loadFashionMnist({ ...sizes, seed: 4 });
    expect(a.name).to.equal('fashion-mnist');
    expect([a.train.count, a.validation.count, a.test.count]).to.deep.equal([600, 200, 100]);
    expect(a.featureShape).to.deep.equal([28, 28, 1]);
    expect(a.numClasses).to.equal(10);
    expect(a.train.x.length).to.equal(600 * 784);
    for (const split of [a.train, a.validation, a.test]) {
      expect(split.y.every((label) => Number.isInteger(label) && label >= 0 && label < 10)).to.equal(true);
    }
    expect(new Set(a.train.y).size).to.equal(10);
    expect(a.train.x).to.deep.equal(b.train.x);
    expect(Array.from(a.train.y)).to.deep.equal(Array.from(b.train.y));
    expect(Array.from(a.train.y)).to.not.deep.equal(Array.from(c.train.y));
    expect(a.train.x.reduce((m, v) => Math.min(m, v), Infinity)).to.equal(0);
    expect(a.train.x.reduce((m, v) => Math.max(m, v), -Infinity)).to.equal(1);
  });

  it('gives other images than MNIST under the same seed and sizes', async () => {
    const fashion = await loadFashionMnist({ ...sizes, flat: true, seed: 1 });
    const digits = await loadMnist({ ...sizes, flat: true, seed: 1 });
    expect(digits.name).to.equal('mnist');
    expect(fashion.featureShape).to.deep.equal(digits.featureShape);
    expect(fashion.train.x).to.not.deep.equal(digits.train.x);
    // Clothes cover far more of the frame than digits do.
    expect(mean(fashion.train.x)).to.be.above(mean(digits.train.x) + 0.1);
  });

  it('standardises with Fashion-MNIST\'s own mean and deviation', async () => {
    const ds = await loadFashionMnist({ trainSize: 3000, validationSize: 0, testSize: 0, normalize: 'standard' });
    const m = mean(ds.train.x);
    const sd = Math.sqrt(mean(ds.train.x.map((v) => (v - m) ** 2)));
    expect(m).to.be.closeTo(0, 0.05);
    expect(sd).to.be.closeTo(1, 0.05);
  });

  it(`reads the folder named by ${kFashionMnistDirEnv}`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'graft-fashion-'));
    try {
      const installed = defaultFashionMnistDir();
      for (const file of readdirSync(installed)) symlinkSync(join(installed, file), join(dir, file));
      const viaEnv = await withDirEnv(dir, async () => {
        expect(defaultFashionMnistDir()).to.equal(dir);
        return loadFashionMnist({ ...sizes, seed: 2 });
      });
      const direct = await loadFashionMnist({ ...sizes, seed: 2 });
      expect(viaEnv.train.x).to.deep.equal(direct.train.x);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a folder without the files with a DatasetError naming the folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'graft-fashion-empty-'));
    try {
      const err = await withDirEnv(dir, () => loadFashionMnist(sizes).then(() => undefined, (e: unknown) => e));
      expect(err).to.be.instanceOf(DatasetError);
      expect((err as DatasetError).code).to.equal('ERR_DATASET');
      expect((err as DatasetError).details).to.include({ dir, dataset: 'fashion-mnist' });
      expect(() => checkIdxImages('fashion-mnist', dir)).to.throw(DatasetError).with.property('code', 'ERR_DATASET');
      expect(() => checkIdxImages('fashion-mnist')).to.not.throw();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
