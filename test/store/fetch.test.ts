// Fetching donor layers: byte-exact across ranks over the transport, copy-free views on the
// owner's rank, peer reads landing in the replica slot or in reused memory, corrupted bytes
// refused and reported, missing layers reported, not thrown.

import { expect } from 'chai';
import { LayerUnavailableError } from 'graft/store';
import { makeLayer, storeCluster, until } from './cluster.js';

describe('LayerStore#fetch()', () => {
  it('reads a donor prefix from a peer byte for byte, then from its own replica', async () => {
    const c = storeCluster(3);
    try {
      for (const i of c.indexes) i.start();
      const layers = ['a', 'b', 'c', 'd'].map((id, k) => makeLayer(id, 1000 + k * 77, k + 1));
      await c.stores[1]!.put({ modelId: 'donor', score: 0.8, layers });
      await until(() => c.indexes[2]!.entry('donor') !== undefined, 5000, 'the entry on rank 2');
      const match = c.indexes[2]!.donor(['a', 'b', 'c', 'x'])!;
      expect(match.matched).to.equal(3);

      const first = await c.stores[2]!.fetch(match.layers);
      expect(first.missing).to.deep.equal([]);
      expect(first.source).to.equal('peer');
      expect(first.bytes).to.equal(match.layers.reduce((s, l) => s + l.byteLength, 0));
      first.layers.forEach((got, k) => {
        expect(got.layerId).to.equal(layers[k]!.layerId);
        got.tensors.forEach((t, j) => expect(Buffer.from(t.bytes).equals(Buffer.from(layers[k]!.tensors[j]!.bytes))).to.equal(true));
      });
      first.release();

      const second = await c.stores[2]!.fetch(match.layers);
      expect(second.source).to.equal('local');
      expect(second.layers.map((l) => l.source)).to.deep.equal(['local', 'local', 'local']);
      second.release();
    } finally {
      await c.close();
    }
  });

  it('hands the owner rank views of shared memory, without copying', async () => {
    const c = storeCluster(1);
    try {
      await c.stores[0]!.put({ modelId: 'm', score: 1, layers: [makeLayer('a', 64)] });
      const result = await c.stores[0]!.fetch(c.indexes[0]!.donor(['a'])!.layers);
      expect(result.source).to.equal('local');
      expect(result.layers[0]!.tensors[0]!.bytes.buffer).to.be.instanceOf(SharedArrayBuffer);
      result.release();
    } finally {
      await c.close();
    }
  });

  it('lands peer bytes in the replica itself, which stays in memory until the fetch is released', async () => {
    const c = storeCluster(2, { capacityBytes: 64 * 1024 });
    try {
      for (const i of c.indexes) i.start();
      await c.stores[0]!.put({ modelId: 'donor', score: 1, layers: [makeLayer('a', 4000), makeLayer('b', 4000, 2)] });
      await until(() => c.indexes[1]!.entry('donor') !== undefined, 5000, 'the entry on rank 1');
      const fetched = await c.stores[1]!.fetch(c.indexes[1]!.donor(['a', 'b'])!.layers);
      expect(fetched.source).to.equal('peer');
      expect(c.stores[1]!.stats().replicas).to.equal(2);
      // The fetched bytes are the replica's memory: reading it locally returns the same bytes.
      const local = await c.stores[1]!.fetch(c.indexes[1]!.donor(['a'])!.layers);
      expect(local.source).to.equal('local');
      expect(local.layers[0]!.tensors[0]!.bytes.buffer).to.equal(fetched.layers[0]!.tensors[0]!.bytes.buffer);
      expect(local.layers[0]!.tensors[0]!.bytes.byteOffset).to.equal(fetched.layers[0]!.tensors[0]!.bytes.byteOffset);
      local.release();
      // Pinned: a store that needs the room cannot drop these replicas until the fetch is released.
      await c.stores[1]!.put({ modelId: 'own', score: 1, layers: [makeLayer('c', 12_000, 3)] });
      expect(c.stores[1]!.stats().replicas).to.equal(2);
      fetched.release();
      await c.stores[1]!.put({ modelId: 'own2', score: 1, layers: [makeLayer('d', 12_000, 4)] });
      expect(c.stores[1]!.stats().replicas).to.be.below(2);
    } finally {
      await c.close();
    }
  });

  it('reuses the memory of a released peer fetch for the next one, when it keeps no replicas', async () => {
    const c = storeCluster(2, { keepReplicas: false });
    try {
      for (const i of c.indexes) i.start();
      const layer = makeLayer('a', 100_000);
      await c.stores[0]!.put({ modelId: 'donor', score: 1, layers: [layer] });
      await until(() => c.indexes[1]!.entry('donor') !== undefined, 5000, 'the entry on rank 1');
      const refs = c.indexes[1]!.donor(['a'])!.layers;
      const first = await c.stores[1]!.fetch(refs);
      const held = await c.stores[1]!.fetch(refs);
      // Not released yet: the second fetch had to take other memory.
      expect(held.layers[0]!.tensors[0]!.bytes.buffer).not.to.equal(first.layers[0]!.tensors[0]!.bytes.buffer);
      const memory = first.layers[0]!.tensors[0]!.bytes.buffer;
      first.release();
      const third = await c.stores[1]!.fetch(refs);
      expect(third.source).to.equal('peer');
      expect(third.layers[0]!.tensors[0]!.bytes.buffer).to.equal(memory);
      expect(Buffer.from(third.layers[0]!.tensors[0]!.bytes).equals(Buffer.from(layer.tensors[0]!.bytes))).to.equal(true);
      held.release();
      third.release();
    } finally {
      await c.close();
    }
  });

  it('refuses corrupted bytes and reports the layer as missing', async () => {
    const c = storeCluster(2, { keepReplicas: false });
    try {
      for (const i of c.indexes) i.start();
      await c.stores[0]!.put({ modelId: 'm', score: 1, layers: [makeLayer('a', 256), makeLayer('b', 256, 2)] });
      // Flip one byte of layer b in the owner's shared memory (its local view is that memory).
      const local = await c.stores[0]!.fetch(c.indexes[0]!.donor(['a', 'b'])!.layers);
      local.layers[1]!.tensors[0]!.bytes[10]! ^= 0xff;
      local.release();

      await until(() => c.indexes[1]!.entry('m') !== undefined, 5000, 'the entry on rank 1');
      const result = await c.stores[1]!.fetch(c.indexes[1]!.donor(['a', 'b'])!.layers);
      expect(result.layers.map((l) => l.layerId)).to.deep.equal(['a']);
      expect(result.missing.map((m) => [m.layerId, m.reason])).to.deep.equal([['b', 'ERR_CHECKSUM_MISMATCH']]);

      const again = await c.stores[0]!.fetch(c.indexes[0]!.donor(['a', 'b'])!.layers);
      expect(again.missing.map((m) => m.reason)).to.deep.equal(['ERR_CHECKSUM_MISMATCH']);
      again.release();
    } finally {
      await c.close();
    }
  });

  it('reports layers that no source holds, with source none', async () => {
    const c = storeCluster(2);
    try {
      const result = await c.stores[1]!.fetch([{ layerId: 'ghost', home: 'nobody', rank: 0, byteLength: 8, tensors: [], memory: null }]);
      expect(result.layers).to.deep.equal([]);
      expect(result.source).to.equal('none');
      expect(result.missing[0]!.error).to.be.instanceOf(LayerUnavailableError);
    } finally {
      await c.close();
    }
  });
});
