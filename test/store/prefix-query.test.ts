// The donor query (trie) agrees with a brute-force scan on random architectures with skip
// connections, including ties on score and age and models leaving the index.

import { expect } from 'chai';
import { betterDonorFirst, PrefixIndex, type PrefixModel } from 'graft/store';
import { seededRandom } from 'graft/util';
import { layerIdsOf, mutate, population, randomChoices } from './arch-gen.js';

function bruteForce(models: Iterable<PrefixModel>, ids: readonly string[]): { modelId: string; matched: number } | null {
  let best: PrefixModel | undefined;
  let bestLen = 0;
  for (const m of models) {
    let len = 0;
    while (len < ids.length && len < m.layerIds.length && m.layerIds[len] === ids[len]) len++;
    if (len === 0) continue;
    if (len > bestLen || (len === bestLen && betterDonorFirst(m, best!) < 0)) {
      best = m;
      bestLen = len;
    }
  }
  return best ? { modelId: best.modelId, matched: bestLen } : null;
}

describe('PrefixIndex#longestPrefix()', () => {
  const space = { nodes: 10, ops: 4 };

  it('matches a brute-force scan on 3,000 NAS-like models and 600 candidates', () => {
    const rand = seededRandom(7);
    const archs = population(3000, space, rand);
    const index = new PrefixIndex();
    const all = new Map<string, PrefixModel>();
    archs.forEach((a, i) => {
      // Coarse scores and clock so that ties on both happen often.
      const m = { modelId: `m${i}`, score: Math.floor(rand() * 5) / 5, createdAt: Math.floor(i / 7), layerIds: layerIdsOf(a) };
      index.add(m);
      all.set(m.modelId, m);
    });
    let deep = 0;
    for (let q = 0; q < 600; q++) {
      const cand = q % 3 === 0 ? randomChoices(space, rand) : mutate(archs[Math.floor(rand() * archs.length)]!, space, rand);
      const ids = layerIdsOf(cand);
      const got = index.longestPrefix(ids);
      expect(got && { modelId: got.model.modelId, matched: got.matched }).to.deep.equal(bruteForce(all.values(), ids));
      if (got && got.matched > 3) deep++;
    }
    // The generator must really produce shared prefixes, or the comparison proves little.
    expect(deep).to.be.greaterThan(300);
  });

  it('stays in agreement as models are removed and re-added', () => {
    const rand = seededRandom(11);
    const archs = population(1500, space, rand);
    const index = new PrefixIndex();
    const all = new Map<string, PrefixModel>();
    archs.forEach((a, i) => {
      const m = { modelId: `m${i}`, score: Math.floor(rand() * 3), createdAt: i % 5, layerIds: layerIdsOf(a) };
      index.add(m);
      all.set(m.modelId, m);
    });
    const ids = [...all.keys()];
    for (let step = 0; step < 400; step++) {
      const victim = ids[Math.floor(rand() * ids.length)]!;
      if (all.has(victim) && rand() < 0.7) {
        expect(index.remove(victim)).to.equal(true);
        all.delete(victim);
      } else if (!all.has(victim)) {
        const m = { modelId: victim, score: Math.floor(rand() * 3), createdAt: 9, layerIds: layerIdsOf(archs[Number(victim.slice(1))]!) };
        index.add(m);
        all.set(victim, m);
      }
      const probe = layerIdsOf(mutate(archs[Math.floor(rand() * archs.length)]!, space, rand));
      const got = index.longestPrefix(probe);
      expect(got && { modelId: got.model.modelId, matched: got.matched }).to.deep.equal(bruteForce(all.values(), probe));
    }
    expect(index.size).to.equal(all.size);
  });

  it('answers null when no model shares the first layer, and after the last model leaves', () => {
    const index = new PrefixIndex();
    expect(index.longestPrefix(['a', 'b'])).to.equal(null);
    index.add({ modelId: 'x', score: 1, createdAt: 1, layerIds: ['a', 'b', 'c'] });
    expect(index.longestPrefix(['z'])).to.equal(null);
    expect(index.longestPrefix(['a', 'q'])?.matched).to.equal(1);
    index.remove('x');
    expect(index.longestPrefix(['a', 'b'])).to.equal(null);
  });

  it('prefers the better score, then the newer model, at equal prefix length', () => {
    const index = new PrefixIndex();
    index.add({ modelId: 'old-good', score: 0.9, createdAt: 1, layerIds: ['a', 'b', 'x'] });
    index.add({ modelId: 'new-good', score: 0.9, createdAt: 2, layerIds: ['a', 'b', 'y'] });
    index.add({ modelId: 'new-bad', score: 0.5, createdAt: 3, layerIds: ['a', 'b', 'z'] });
    expect(index.longestPrefix(['a', 'b', 'q'])?.model.modelId).to.equal('new-good');
    index.remove('new-good');
    expect(index.longestPrefix(['a', 'b', 'q'])?.model.modelId).to.equal('old-good');
  });
});
