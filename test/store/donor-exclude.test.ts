// The donor query's exclusions and the whole-model lookup: an excluded model (a candidate's own
// earlier attempt) is never the answer but stays a donor for others; model() gives every layer
// of a live model and nothing for a dropped or unknown one.

import { expect } from 'chai';
import { makeLayer, storeCluster } from './cluster.js';

describe('GossipIndex#donor() with exclusions, and #model()', () => {
  it('skips an excluded model for the next best, and keeps offering it to other queries', async () => {
    const c = storeCluster(1);
    try {
      const index = c.indexes[0]!;
      await c.stores[0]!.put({ modelId: 'self', score: 0.9, layers: ['a', 'b', 'c'].map((id, k) => makeLayer(id, 64, k + 1)) });
      await c.stores[0]!.put({ modelId: 'other', score: 0.5, layers: ['a', 'b', 'x'].map((id, k) => makeLayer(id, 64, k + 7)) });
      expect(index.donor(['a', 'b', 'c'])!.modelId).to.equal('self');
      const other = index.donor(['a', 'b', 'c'], ['self'])!;
      expect(other.modelId).to.equal('other');
      expect(other.matched).to.equal(2);
      expect(index.donor(['a', 'b', 'c'], ['self', 'other'])).to.equal(null);
      // Set aside for one query only.
      expect(index.donor(['a', 'b', 'c'])!.modelId).to.equal('self');
      expect(index.donorCount).to.equal(2);
    } finally {
      await c.close();
    }
  });

  it('model() lists every layer of a live model in order, and null for an unknown or dropped one', async () => {
    const c = storeCluster(1);
    try {
      const index = c.indexes[0]!;
      await c.stores[0]!.put({ modelId: 'm', score: 0.7, layers: ['a', 'b', 'c'].map((id, k) => makeLayer(id, 32 * (k + 1), k + 1)) });
      const m = index.model('m')!;
      expect(m.layers.map((l) => l.layerId)).to.deep.equal(['a', 'b', 'c']);
      expect(m.layers.map((l) => l.tensors[0]!.shape)).to.deep.equal([[32], [64], [96]]);
      expect(index.model('nope')).to.equal(null);
      await c.stores[0]!.retain([], { graceCalls: 1 });
      expect(index.model('m')).to.equal(null);
    } finally {
      await c.close();
    }
  });
});
