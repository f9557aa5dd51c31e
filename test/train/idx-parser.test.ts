// test/train/idx-parser.test.ts: the IDX parser on the real MNIST files and on broken ones.

import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatasetError, defaultMnistDir, loadMnist, parseIdx } from 'graft/train';

const fixtures = new URL('../../../test/fixtures/train/', import.meta.url).pathname;

describe('parseIdx()', () => {
  it('reads the real MNIST training images and labels', () => {
    const dir = defaultMnistDir();
    const images = parseIdx(readFileSync(join(dir, 'train-images-idx3-ubyte')), 'train-images');
    const labels = parseIdx(readFileSync(join(dir, 'train-labels-idx1-ubyte')), 'train-labels');
    expect(images.shape).to.deep.equal([60000, 28, 28]);
    expect(labels.shape).to.deep.equal([60000]);
    expect(Math.max(...labels.data)).to.equal(9);
    // MNIST's first training label is a 5; its images have dark borders and ink in the middle.
    expect(labels.data[0]).to.equal(5);
    expect(images.data[0]).to.equal(0);
    expect(Math.max(...images.data.subarray(0, 784))).to.equal(255);
  });

  it('reads the real MNIST test files', () => {
    const dir = defaultMnistDir();
    expect(parseIdx(readFileSync(join(dir, 't10k-images-idx3-ubyte')), 't10k').shape).to.deep.equal([10000, 28, 28]);
    expect(parseIdx(readFileSync(join(dir, 't10k-labels-idx1-ubyte')), 't10k').shape).to.deep.equal([10000]);
  });

  for (const [file, what] of [['not-idx-ubyte', 'a wrong magic'], ['truncated-idx1-ubyte', 'a truncated body']]) {
    it(`refuses ${what} with a DatasetError naming the file`, () => {
      const path = join(fixtures, file);
      expect(() => parseIdx(readFileSync(path), path)).to.throw(DatasetError).that.satisfies(
        (e: DatasetError) => e.code === 'ERR_DATASET' && e.details.file === path,
      );
    });
  }
});

describe('loadMnist()', () => {
  it('gives seeded, normalised subsets of the requested sizes', async () => {
    const a = await loadMnist({ trainSize: 500, validationSize: 200, testSize: 100, seed: 7 });
    const b = await loadMnist({ trainSize: 500, validationSize: 200, testSize: 100, seed: 7 });
    const c = await loadMnist({ trainSize: 500, validationSize: 200, testSize: 100, seed: 8 });
    expect([a.train.count, a.validation.count, a.test.count]).to.deep.equal([500, 200, 100]);
    expect(a.featureShape).to.deep.equal([28, 28, 1]);
    expect(a.train.x.length).to.equal(500 * 784);
    expect(Array.from(a.train.y)).to.deep.equal(Array.from(b.train.y));
    expect(Array.from(a.train.y)).to.not.deep.equal(Array.from(c.train.y));
    expect(a.train.x.reduce((m, v) => Math.min(m, v), Infinity)).to.equal(0);
    expect(a.train.x.reduce((m, v) => Math.max(m, v), -Infinity)).to.equal(1);
  });

  it('refuses subsets larger than the files', async () => {
    const err = await loadMnist({ trainSize: 55000, validationSize: 10000 }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(DatasetError);
  });

  it('names a missing file', async () => {
    const err = (await loadMnist({ dir: fixtures }).catch((e: unknown) => e)) as DatasetError;
    expect(err).to.be.instanceOf(DatasetError);
    expect(String(err.details.file)).to.contain('idx');
  });
});
