// test/train/datasets.test.ts: .npy and CSV loaders and the synthetic generator: types,
// shapes, splits, normalisation, and an error naming the file for each kind of bad input;
// datasets shared with worker threads without copies.

import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { DatasetError, loadCsvDataset, loadNpyDataset, makeSyntheticDataset, readNpy, shareDataset } from 'graft/train';

const fixtures = new URL('../../../test/fixtures/train/', import.meta.url).pathname;
const f = (name: string): string => join(fixtures, name);

async function rejection(p: Promise<unknown>): Promise<DatasetError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).to.be.instanceOf(DatasetError);
  return err as DatasetError;
}

describe('readNpy()', () => {
  it('reads float32, int32 and uint8 arrays with their shapes', async () => {
    for (const [file, dtype] of [['features-f32.npy', 'float32'], ['features-i32.npy', 'int32'], ['features-u8.npy', 'uint8']]) {
      const a = await readNpy(f(file));
      expect(a.dtype).to.equal(dtype);
      expect(a.shape).to.deep.equal([12, 3]);
      expect(Array.from(a.data.subarray(0, 4))).to.deep.equal([0, 1, 2, 3]);
    }
  });

  it('refuses float64, big-endian and non-npy files, naming the file', async () => {
    for (const file of ['features-f64.npy', 'features-big-endian.npy', 'iris-mini.csv']) {
      const err = await rejection(readNpy(f(file)));
      expect(err.details.file).to.equal(f(file));
    }
  });
});

describe('loadNpyDataset()', () => {
  it('builds a classification dataset split 8/2/2 with standardised features', async () => {
    const ds = await loadNpyDataset({
      features: f('features-u8.npy'), labels: f('labels-u8.npy'), task: 'classification',
      validationFraction: 1 / 6, testFraction: 1 / 6,
    });
    expect([ds.train.count, ds.validation.count, ds.test.count]).to.deep.equal([8, 2, 2]);
    expect(ds.numClasses).to.equal(3);
    expect(ds.outputUnits).to.equal(3);
    expect(ds.train.y).to.be.instanceOf(Int32Array);
    const mean = ds.train.x.filter((_, i) => i % 3 === 0).reduce((a, b) => a + b, 0) / 8;
    expect(Math.abs(mean)).to.be.below(1e-5);
  });

  it('builds a regression dataset with float targets', async () => {
    const ds = await loadNpyDataset({ features: f('features-f32.npy'), labels: f('targets-f32.npy'), task: 'regression', normalize: 'none' });
    expect(ds.numClasses).to.equal(0);
    expect(ds.outputUnits).to.equal(1);
    expect(ds.train.y).to.be.instanceOf(Float32Array);
  });

  it('refuses labels out of range, labels of another length, and a missing file', async () => {
    const out = await rejection(loadNpyDataset({ features: f('features-f32.npy'), labels: f('labels-out-of-range.npy'), task: 'classification', numClasses: 3 }));
    expect(out.details.file).to.equal(f('labels-out-of-range.npy'));
    const short = await rejection(loadNpyDataset({ features: f('features-f32.npy'), labels: f('labels-short.npy'), task: 'classification' }));
    expect(short.details.file).to.equal(f('labels-short.npy'));
    const missing = await rejection(loadNpyDataset({ features: f('nope.npy'), labels: f('labels-i32.npy'), task: 'classification' }));
    expect(missing.details.file).to.equal(f('nope.npy'));
  });
});

/** A little-endian float32 .npy file of `shape` holding `values`. */
function writeNpy(file: string, shape: number[], values: number[]): void {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1;
  head.writeUInt16LE(header.length, 8);
  writeFileSync(file, Buffer.concat([head, Buffer.from(header, 'latin1'), Buffer.from(new Float32Array(values).buffer)]));
}

describe('loadNpyDataset() with non-finite values', () => {
  it('refuses NaN or infinite features with their count and the first index', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'graft-npy-'));
    const values = Array.from({ length: 20 }, (_, i) => i);
    values[7] = NaN;
    values[12] = Infinity;
    writeNpy(join(dir, 'x.npy'), [10, 2], values);
    writeNpy(join(dir, 'y.npy'), [10], Array.from({ length: 10 }, (_, i) => i % 2));
    const err = await rejection(loadNpyDataset({ features: join(dir, 'x.npy'), labels: join(dir, 'y.npy'), task: 'classification' }));
    expect(err.details).to.include({ file: join(dir, 'x.npy'), count: 2, index: 7 });
  });
});

describe('loadCsvDataset()', () => {
  it('reads a header, numbers class names in sorted order and picks the label column by name', async () => {
    const ds = await loadCsvDataset({ path: f('iris-mini.csv'), task: 'classification', label: 'species', validationFraction: 0, testFraction: 0 });
    expect(ds.featureShape).to.deep.equal([4]);
    expect(ds.numClasses).to.equal(3);
    expect(ds.train.count).to.equal(10);
    expect(new Set(ds.train.y)).to.deep.equal(new Set([0, 1, 2]));
  });

  it('takes a first row of numbers and a class name as data, not as a header', async () => {
    const ds = await loadCsvDataset({ path: f('no-header-names.csv'), task: 'classification', validationFraction: 0, testFraction: 0, normalize: 'none' });
    expect(ds.train.count).to.equal(4);
    expect(ds.numClasses).to.equal(3);
  });

  it('reads a headerless regression file with the last column as target', async () => {
    const ds = await loadCsvDataset({ path: f('regression.csv'), task: 'regression', validationFraction: 0.25, testFraction: 0, normalize: 'none' });
    expect(ds.featureShape).to.deep.equal([2]);
    expect(ds.train.count + ds.validation.count).to.equal(8);
    const targets = [...ds.train.y, ...ds.validation.y].sort((a, b) => a - b);
    expect(targets[0]).to.be.closeTo(0.9, 1e-6);
  });

  it('refuses a non-number and a short line, naming the file and line', async () => {
    const bad = await rejection(loadCsvDataset({ path: f('bad-number.csv'), task: 'classification' }));
    expect(bad.details).to.include({ file: f('bad-number.csv'), line: 3 });
    const ragged = await rejection(loadCsvDataset({ path: f('ragged.csv'), task: 'classification' }));
    expect(ragged.details).to.include({ file: f('ragged.csv'), line: 3 });
  });

  it('reads quoted fields, CRLF line ends and a byte-order mark', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'graft-csv-')), 'quoted.csv');
    const rows = ['"a","b, with a comma","label"', ...Array.from({ length: 10 }, (_, i) => `${i},"${i * 2}","${i % 2 === 0 ? 'even, yes' : 'odd'}"`)];
    writeFileSync(file, '\uFEFF' + rows.join('\r\n') + '\r\n');
    const ds = await loadCsvDataset({ path: file, task: 'classification', validationFraction: 0, testFraction: 0, normalize: 'none' });
    expect(ds.featureShape).to.deep.equal([2]);
    expect(ds.train.count).to.equal(10);
    expect(ds.numClasses).to.equal(2);
  });

  it('refuses negative integer labels and data too small to split, naming the minimum', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'graft-csv-'));
    writeFileSync(join(dir, 'negative.csv'), '1,2,0\n3,4,-1\n5,6,1\n');
    const negative = await rejection(loadCsvDataset({ path: join(dir, 'negative.csv'), task: 'classification', validationFraction: 0, testFraction: 0 }));
    expect(negative.details).to.include({ line: 2 });
    writeFileSync(join(dir, 'one.csv'), '1,2,0\n');
    const one = await rejection(loadCsvDataset({ path: join(dir, 'one.csv'), task: 'classification' }));
    expect(one.details).to.include({ count: 1 });
    expect(one.details.minimum).to.be.a('number').greaterThan(1);
  });
});

describe('makeSyntheticDataset()', () => {
  it('repeats from its seed and honours shapes', () => {
    const a = makeSyntheticDataset({ samples: 100, featureShape: [4, 2], outputs: 3, seed: 5 });
    const b = makeSyntheticDataset({ samples: 100, featureShape: [4, 2], outputs: 3, seed: 5 });
    expect(a.train.x).to.deep.equal(b.train.x);
    expect(a.train.count + a.validation.count + a.test.count).to.equal(100);
    expect(a.train.x.length).to.equal(a.train.count * 8);
    const r = makeSyntheticDataset({ task: 'regression', samples: 50, outputs: 2 });
    expect(r.train.y.length).to.equal(r.train.count * 2);
  });
});

describe('shareDataset()', () => {
  it('gives worker threads the same memory, not a copy', async () => {
    const data = shareDataset(makeSyntheticDataset({ samples: 20, seed: 1 }));
    const worker = new Worker(
      `const { parentPort, workerData } = require('node:worker_threads');
       workerData.train.x[0] = 42;
       parentPort.postMessage(workerData.train.y.buffer instanceof SharedArrayBuffer);`,
      { eval: true, workerData: data },
    );
    const sharedInWorker = await new Promise((resolve, reject) => worker.once('message', resolve).once('error', reject));
    await worker.terminate();
    expect(sharedInWorker).to.equal(true);
    expect(data.train.x[0]).to.equal(42);
  });
});
