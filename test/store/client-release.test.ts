// A fetch through the port protocol pins what it read, same-rank views and the replica slots
// peer layers landed in alike, and release() through the client unpins both: a long search's
// replicas do not stay pinned and fill the store.

import { expect } from 'chai';
import { MessageChannel } from 'node:worker_threads';
import { StoreClient, serveStore } from 'graft/store';
import { makeLayer, storeCluster, until } from './cluster.js';

describe('StoreClient#fetch() release', () => {
  it('unpins peer replicas and same-rank views once released', async () => {
    const c = storeCluster(2);
    const { port1, port2 } = new MessageChannel();
    const stop = serveStore(c.stores[1]!, port1);
    const client = new StoreClient(port2);
    try {
      for (const i of c.indexes) i.start();
      await c.stores[0]!.put({ modelId: 'far', score: 0.5, layers: [makeLayer('a', 256, 1), makeLayer('b', 256, 2)] });
      await c.stores[1]!.put({ modelId: 'near', score: 0.4, layers: [makeLayer('x', 256, 3)] });
      await until(() => c.indexes[1]!.entry('far') !== undefined, 5000, "rank 0's entry on rank 1");

      const peer = await client.fetch(c.indexes[1]!.donor(['a', 'b'])!.layers);
      expect(peer.source).to.equal('peer');
      expect(c.stores[1]!.stats().pinnedBlobs).to.equal(2);
      peer.release();
      await until(() => c.stores[1]!.stats().pinnedBlobs === 0, 5000, 'the replicas unpinned');
      expect(c.stores[1]!.stats().replicas).to.equal(2);

      const local = await client.fetch(c.indexes[1]!.donor(['x'])!.layers);
      expect(local.source).to.equal('local');
      expect(c.stores[1]!.stats().pinnedBlobs).to.equal(1);
      local.release();
      await until(() => c.stores[1]!.stats().pinnedBlobs === 0, 5000, 'the view unpinned');
    } finally {
      client.close();
      stop();
      port1.close();
      await c.close();
    }
  });
});
