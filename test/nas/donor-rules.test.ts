// Donor rules: which donor layers load into which candidate layers under prefix/parent, shape
// and partial, from layer ids and tensor shapes alone.

import { expect } from 'chai';
import type { LayerRef } from 'graft/store';
import { planTransfer, type CandidateLayer } from 'graft/nas';

function cand(name: string, kernel: number[]): CandidateLayer {
  return { name, tensors: [{ name: 'kernel', shape: kernel }, { name: 'bias', shape: [kernel[kernel.length - 1]!] }] };
}

function ref(layerId: string, kernel: number[]): LayerRef {
  const meta = (name: string, shape: number[]) => ({ name, shape, dtype: 'float32' as const, offset: 0, byteLength: 4 * shape.reduce((a, b) => a * b, 1), checksum: 0 });
  return { layerId, home: 'd', rank: 0, byteLength: 0, memory: null, tensors: [meta('kernel', kernel), meta('bias', [kernel[kernel.length - 1]!])] };
}

describe('planTransfer()', () => {
  // Candidate: shared first layer, then a widened second layer, then a head of the same shape
  // whose id differs (its input changed).
  const candidate = [cand('dense-aaaa', [784, 64]), cand('dense-bbbb', [64, 128]), cand('dense-cccc', [128, 10])];
  const donor = [ref('dense-aaaa', [784, 64]), ref('dense-xxxx', [64, 32]), ref('dense-yyyy', [32, 10]), ref('dense-zzzz', [10, 10])];

  it('prefix and parent take only layers of the same id', () => {
    for (const rule of ['prefix', 'parent'] as const) {
      const plan = planTransfer(rule, candidate, donor);
      expect([...plan.targets]).to.deep.equal([['dense-aaaa', 'dense-aaaa']]);
      expect(plan.refs.map((r) => r.layerId)).to.deep.equal(['dense-aaaa']);
    }
  });

  it('shape adds later layers whose op, shapes and position match', () => {
    const same = [cand('dense-aaaa', [784, 64]), cand('dense-bbbb', [64, 32]), cand('dense-cccc', [32, 10])];
    const plan = planTransfer('shape', same, donor);
    expect([...plan.targets]).to.deep.equal([
      ['dense-aaaa', 'dense-aaaa'],
      ['dense-xxxx', 'dense-bbbb'],
      ['dense-yyyy', 'dense-cccc'],
    ]);
    // Widths differ: nothing past the prefix.
    expect([...planTransfer('shape', candidate, donor).targets.keys()]).to.deep.equal(['dense-aaaa']);
  });

  it('partial also pairs layers whose widths differ, never across ops', () => {
    const plan = planTransfer('partial', candidate, donor);
    expect([...plan.targets]).to.deep.equal([
      ['dense-aaaa', 'dense-aaaa'],
      ['dense-xxxx', 'dense-bbbb'],
      ['dense-yyyy', 'dense-cccc'],
    ]);
    const conv = [cand('dense-aaaa', [784, 64]), { name: 'conv2d-bbbb', tensors: [{ name: 'kernel', shape: [3, 3, 1, 8] }, { name: 'bias', shape: [8] }] }];
    expect([...planTransfer('partial', conv, donor).targets.keys()]).to.deep.equal(['dense-aaaa']);
  });
});
