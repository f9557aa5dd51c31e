// The capacity bound: resident bytes never pass it; the least recently used layers spill to
// files and come back on demand; pinned layers stay; peers read spilled layers from the files.

import { expect } from 'chai';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { makeLayer, storeCluster, until } from './cluster.js';

const kFloats = 1000; // a layer blob is 4,000 + 16 bytes

describe('LayerStore capacity and spill', () => {
  it('keeps resident bytes within the bound, spilling the least recently used', async () => {
    const c = storeCluster(1, { capacityBytes: 12_500 });
    const store = c.stores[0]!;
    const index = c.indexes[0]!;
    try {
      for (let m = 0; m < 3; m++) await store.put({ modelId: `m${m}`, score: m, layers: [makeLayer(`L${m}`, kFloats, m)] });
      // Use m0 so that m1 becomes the least recently used.
      (await store.fetch(index.donor(['L0'])!.layers)).release();
      for (let m = 3; m < 6; m++) {
        await store.put({ modelId: `m${m}`, score: m, layers: [makeLayer(`L${m}`, kFloats, m)] });
        expect(store.stats().residentBytes).to.be.at.most(12_500);
      }
      const inMemory = (id: string): boolean => index.entry(id)!.layers[0]!.memory !== null;
      expect(['m0', 'm1', 'm2', 'm3', 'm4', 'm5'].map(inMemory)).to.deep.equal([false, false, false, true, true, true]);
      expect(store.stats().spilledBytes).to.equal(3 * 4016);
      expect(readdirSync(join(c.spillDir, 'r0'))).to.have.length(3);
    } finally {
      await c.close();
    }
  });

  it('reloads a spilled layer on demand, byte for byte, and then serves it from memory', async () => {
    const c = storeCluster(1, { capacityBytes: 9000 });
    const store = c.stores[0]!;
    const index = c.indexes[0]!;
    try {
      const original = makeLayer('L0', kFloats, 42);
      await store.put({ modelId: 'm0', score: 1, layers: [original] });
      await store.put({ modelId: 'm1', score: 1, layers: [makeLayer('L1', kFloats, 1)] });
      await store.put({ modelId: 'm2', score: 1, layers: [makeLayer('L2', kFloats, 2)] });
      expect(index.entry('m0')!.layers[0]!.memory).to.equal(null);

      const back = await store.fetch(index.donor(['L0'])!.layers);
      expect(back.source).to.equal('spill');
      expect(Buffer.from(back.layers[0]!.tensors[0]!.bytes).equals(Buffer.from(original.tensors[0]!.bytes))).to.equal(true);
      back.release();
      expect(index.entry('m0')!.layers[0]!.memory).to.not.equal(null);
      expect(store.stats().residentBytes).to.be.at.most(9000);
      const again = await store.fetch(index.donor(['L0'])!.layers);
      expect(again.source).to.equal('local');
      again.release();
    } finally {
      await c.close();
    }
  });

  it('never evicts a layer in use, and sends what does not fit straight to its spill file', async () => {
    const c = storeCluster(1, { capacityBytes: 9000 });
    const store = c.stores[0]!;
    const index = c.indexes[0]!;
    try {
      await store.put({ modelId: 'm0', score: 1, layers: [makeLayer('L0', kFloats)] });
      await store.put({ modelId: 'm1', score: 1, layers: [makeLayer('L1', kFloats)] });
      const inUse = await store.fetch([...index.donor(['L0'])!.layers, ...index.donor(['L1'])!.layers]);
      await store.put({ modelId: 'm2', score: 1, layers: [makeLayer('L2', kFloats)] });
      expect(index.entry('m0')!.layers[0]!.memory).to.not.equal(null);
      expect(index.entry('m1')!.layers[0]!.memory).to.not.equal(null);
      expect(index.entry('m2')!.layers[0]!.memory).to.equal(null);
      inUse.release();

      await store.put({ modelId: 'big', score: 1, layers: [makeLayer('B', 5000)] });
      expect(index.entry('big')!.layers[0]!.memory).to.equal(null);
      expect(store.stats().residentBytes).to.be.at.most(9000);
      const big = await store.fetch(index.donor(['B'])!.layers);
      expect(big.source).to.equal('spill');
      expect(big.missing).to.deep.equal([]);
    } finally {
      await c.close();
    }
  });

  it("lets a peer read an owner's spilled layer from the shared spill directory", async () => {
    const c = storeCluster(2, { capacityBytes: 5000, keepReplicas: false });
    try {
      for (const i of c.indexes) i.start();
      const original = makeLayer('L0', kFloats, 5);
      await c.stores[0]!.put({ modelId: 'm0', score: 1, layers: [original] });
      await c.stores[0]!.put({ modelId: 'm1', score: 1, layers: [makeLayer('L1', kFloats)] });
      await until(() => c.indexes[1]!.entry('m0')?.layers[0]!.memory === null, 5000, 'rank 1 to learn m0 spilled');
      const result = await c.stores[1]!.fetch(c.indexes[1]!.donor(['L0'])!.layers);
      expect(result.source).to.equal('spill');
      expect(Buffer.from(result.layers[0]!.tensors[0]!.bytes).equals(Buffer.from(original.tensors[0]!.bytes))).to.equal(true);
    } finally {
      await c.close();
    }
  });
});

describe('LayerStore#retain()', () => {
  it('drops models out of the population, keeps the top-K and every layer still referenced', async () => {
    const c = storeCluster(2);
    try {
      for (const i of c.indexes) i.start();
      await c.stores[0]!.put({ modelId: 'p', score: 0.5, layers: [makeLayer('a', 100), makeLayer('b', 100), makeLayer('c', 100)] });
      await c.stores[0]!.put({ modelId: 'best', score: 0.99, layers: [makeLayer('x', 100)] });
      await c.stores[0]!.put({ modelId: 'q', score: 0.1, layers: [makeLayer('y', 100)] });
      await until(() => c.indexes[1]!.entry('p') !== undefined, 5000, 'p on rank 1');
      const match = c.indexes[1]!.donor(['a', 'b', 'z'])!;
      await c.stores[1]!.put({ modelId: 'child', score: 0.7, layers: [...match.layers, makeLayer('z', 100)] });
      await until(() => c.indexes[0]!.entry('child') !== undefined, 5000, 'child on rank 0');

      const r = await c.stores[0]!.retain(['q'], { topK: 1 });
      expect(r.dropped).to.deep.equal(['p']);
      expect(r.bytesFreed).to.equal(416);
      expect(c.indexes[0]!.donor(['a', 'b', 'c'])!.modelId).to.equal('child');
      expect(c.indexes[0]!.entry('p')!.status).to.equal('dropped');

      const viaChild = await c.stores[0]!.fetch(c.indexes[0]!.donor(['a', 'b', 'z'])!.layers);
      expect(viaChild.missing).to.deep.equal([]);
      viaChild.release();

      await c.stores[1]!.retain([]);
      await until(() => c.indexes[0]!.entry('child')?.status === 'dropped', 5000, 'child dropped on rank 0');
      const second = await c.stores[0]!.retain(['q'], { topK: 1 });
      // a and b, and the replica of z that the fetch above left on rank 0.
      expect(second.bytesFreed).to.equal(3 * 416);
      expect(c.stores[0]!.stats()).to.include({ models: 2, blobs: 2, replicas: 0 });
      expect(c.indexes[0]!.entry('p')!.layers).to.deep.equal([]);
    } finally {
      await c.close();
    }
  });

  it('frees a layer that a fetch still holds only once that fetch is released', async () => {
    const c = storeCluster(1);
    try {
      await c.stores[0]!.put({ modelId: 'p', score: 0.5, layers: [makeLayer('a', 100)] });
      const held = await c.stores[0]!.fetch(c.indexes[0]!.donor(['a'])!.layers);
      const first = await c.stores[0]!.retain([]);
      expect(first.dropped).to.deep.equal(['p']);
      expect(first.bytesFreed).to.equal(0);
      expect(c.stores[0]!.stats().blobs).to.equal(1);
      held.release();
      expect((await c.stores[0]!.retain([])).bytesFreed).to.equal(416);
      expect(c.stores[0]!.stats().blobs).to.equal(0);
    } finally {
      await c.close();
    }
  });

  it('deletes the spill files of freed layers', async () => {
    const c = storeCluster(1, { capacityBytes: 500 });
    try {
      await c.stores[0]!.put({ modelId: 'p', score: 0.5, layers: [makeLayer('a', 200)] });
      const file = join(c.spillDir, 'r0');
      expect(readdirSync(file)).to.have.length(1);
      await c.stores[0]!.retain([]);
      expect(existsSync(file) ? readdirSync(file) : []).to.have.length(0);
    } finally {
      await c.close();
    }
  });
});
