// test/train/flop-count.test.ts: architectureFlops() counts a dense net and a small CNN as
// worked out by hand, and latency is measured (finite, positive) or refused on a backend that
// cannot time it.

import { expect } from 'chai';
import { InvalidArgumentError } from 'graft';
import { architectureFlops, buildModel, checkLatencyBackend, measureLatency, selectBackend } from 'graft/train';
import { mlp, smallCnn } from './arch-fixtures.js';

describe('architectureFlops()', () => {
  it('counts a dense net: 2 per multiply-add, one per activation element', () => {
    // 8 -> 16 (relu) -> 3 (softmax head): 2·8·16 + 16 + 2·16·3 + 3.
    expect(architectureFlops(mlp(8, [16], 3))).to.equal(256 + 16 + 96 + 3);
  });

  it('counts a CNN: convolutions, pooling windows, batch norm, the head', () => {
    const conv1 = 2 * 9 * 1 * (28 * 28 * 8) + 28 * 28 * 8; // 3×3 same, 8 filters, relu
    const pool = 4 * (14 * 14 * 8);
    const bn = 2 * (14 * 14 * 8);
    const conv2 = 2 * 9 * 8 * (6 * 6 * 16) + 6 * 6 * 16; // 3×3 valid stride 2 -> 6×6×16, relu
    const fc = 2 * 576 * 32 + 32;
    const head = 2 * 32 * 10 + 10;
    expect(architectureFlops(smallCnn(8))).to.equal(conv1 + pool + bn + conv2 + fc + head);
  });
});

describe('measureLatency()', () => {
  before(async () => {
    await selectBackend();
  });

  it('gives seconds per sample on the backend in use', () => {
    const model = buildModel(mlp(8, [16], 3), { seed: 1 });
    const seconds = measureLatency(model, { batch: 8, repeats: 3 });
    expect(seconds).to.be.greaterThan(0).and.lessThan(1);
    model.dispose();
  });

  it('refuses a backend whose kernels run asynchronously', () => {
    expect(() => checkLatencyBackend('webgl')).to.throw(InvalidArgumentError, 'wasm');
    expect(() => checkLatencyBackend('wasm')).to.not.throw();
  });
});
