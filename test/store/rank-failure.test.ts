// A rank that disappears stalls nothing: the others suspect it, the donor query stops offering
// its models, and fetches of its layers end (from a spill file, or reported missing) instead
// of waiting for it.

import { expect } from 'chai';
import type { RegionRef, Transport } from 'graft/transport';
import { GossipIndex, LayerStore } from 'graft/store';
import { makeLayer, storeCluster, until } from './cluster.js';

describe('a disappearing rank', () => {
  it('is suspected by every live rank and leaves the donor query', async () => {
    const c = storeCluster(6, {}, { suspectAfterPeriods: 6 });
    try {
      for (const i of c.indexes) i.start();
      await c.stores[3]!.put({ modelId: 'star', score: 0.99, layers: [makeLayer('a', 64), makeLayer('b', 64), makeLayer('c', 64)] });
      await c.stores[1]!.put({ modelId: 'plain', score: 0.5, layers: [makeLayer('a', 64, 7), makeLayer('b', 64, 7)] });
      await until(() => c.indexes.every((i) => i.entry('star') && i.entry('plain')), 5000, 'both entries everywhere');
      expect(c.indexes[0]!.donor(['a', 'b'])!.modelId).to.equal('star');

      c.indexes[3]!.close();
      await c.transports[3]!.close();
      const live = [0, 1, 2, 4, 5];
      await until(() => live.every((r) => c.indexes[r]!.isSuspected(3)), 10_000, 'every live rank to suspect rank 3');
      for (const r of live) expect(c.indexes[r]!.donor(['a', 'b', 'c'])!.modelId).to.equal('plain');
      expect(c.indexes[0]!.stats().suspected).to.deep.equal([3]);
    } finally {
      await c.close();
    }
  });

  it("leaves its layers readable from a live rank's replica", async () => {
    const c = storeCluster(3, {}, { suspectAfterPeriods: 6 });
    try {
      for (const i of c.indexes) i.start();
      const layers = [makeLayer('a', 300, 1), makeLayer('b', 300, 2)];
      await c.stores[0]!.put({ modelId: 'm', score: 1, layers });
      await until(() => c.indexes[1]!.entry('m') !== undefined && c.indexes[2]!.entry('m') !== undefined, 5000, 'the entry on ranks 1 and 2');
      const refs = c.indexes[2]!.donor(['a', 'b'])!.layers;
      (await c.stores[1]!.fetch(refs)).release(); // rank 1 keeps replicas and says so by gossip
      await until(() => c.indexes[2]!.replicasOf('m', 'b').length === 1, 5000, 'rank 2 to learn of the replicas');

      c.indexes[0]!.close();
      await c.transports[0]!.close();
      await until(() => c.indexes[2]!.isSuspected(0), 10_000, 'rank 2 to suspect rank 0');
      const result = await c.stores[2]!.fetch(refs);
      expect(result.missing).to.deep.equal([]);
      expect(result.source).to.equal('peer');
      result.layers.forEach((l, k) => expect(Buffer.from(l.tensors[0]!.bytes).equals(Buffer.from(layers[k]!.tensors[0]!.bytes))).to.equal(true));
    } finally {
      await c.close();
    }
  });

  it('ends a fetch from a rank that stopped answering, within the read timeout', async () => {
    const c = storeCluster(3);
    // Rank 0 sees rank 2's memory hang, as a one-sided read from a dead process can.
    const hung = hangReadsFrom(c.transports[0]!, 2);
    c.indexes[0]!.close();
    const index = new GossipIndex(hung, { periodMs: 10, exchangeTimeoutMs: 200 });
    const store = new LayerStore(hung, index, { spillDir: c.spillDir, fetchTimeoutMs: 300 });
    try {
      for (const i of [index, c.indexes[1]!, c.indexes[2]!]) i.start();
      await c.stores[2]!.put({ modelId: 'm', score: 1, layers: [makeLayer('a', 64), makeLayer('b', 64)] });
      await until(() => index.entry('m') !== undefined, 5000, 'the entry on rank 0');
      const result = await store.fetch(index.donor(['a', 'b'])!.layers);
      expect(result.layers).to.deep.equal([]);
      expect(result.missing.map((m) => m.reason)).to.deep.equal(['ERR_LAYER_UNAVAILABLE', 'ERR_LAYER_UNAVAILABLE']);
    } finally {
      index.close();
      await store.close();
      await c.close();
    }
  });
});

/** `transport` with one-sided reads of `rank`'s memory that never complete. */
function hangReadsFrom(transport: Transport, rank: number): Transport {
  return new Proxy(transport, {
    get(target, prop, receiver) {
      if (prop === 'get' || prop === 'getChecked') {
        const read = Reflect.get(target, prop, receiver) as (region: RegionRef, ...rest: unknown[]) => Promise<unknown>;
        return (region: RegionRef, ...rest: unknown[]) => (region.rank === rank ? new Promise(() => undefined) : read.call(target, region, ...rest));
      }
      const value = Reflect.get(target, prop, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
