// A store starts empty, so the spill files its rank left in an earlier process (a job killed,
// then resumed) can be pointed at by nothing and would never be freed by retention: a new
// store of that rank deletes them, and leaves the other ranks' files alone.

import { expect } from 'chai';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { GossipIndex, LayerStore } from 'graft/store';
import { makeLayer, storeCluster } from './cluster.js';

describe('LayerStore start on a used spill directory', () => {
  it("deletes its own rank's files left by an earlier store, and only those", async () => {
    // Capacity below one layer: every layer goes straight to its spill file.
    const c = storeCluster(2, { capacityBytes: 500 });
    let later: { index: GossipIndex; store: LayerStore } | undefined;
    try {
      await c.stores[0]!.put({ modelId: 'a', score: 0.5, layers: [makeLayer('x', 200, 1), makeLayer('y', 200, 2)] });
      await c.stores[1]!.put({ modelId: 'b', score: 0.4, layers: [makeLayer('z', 200, 3)] });
      expect(readdirSync(join(c.spillDir, 'r0'))).to.have.length(2);
      c.indexes[0]!.close();
      await c.stores[0]!.close();

      const index = new GossipIndex(c.transports[0]!);
      later = { index, store: new LayerStore(c.transports[0]!, index, { spillDir: c.spillDir, capacityBytes: 500 }) };
      expect(existsSync(join(c.spillDir, 'r0'))).to.equal(false);
      expect(readdirSync(join(c.spillDir, 'r1'))).to.have.length(1);
      expect(later.store.stats().spilledBytes).to.equal(0);
    } finally {
      later?.index.close();
      await later?.store.close();
      await c.close();
    }
  });
});
