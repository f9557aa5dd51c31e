// Storing models incrementally: a candidate stores only its new layers and points to its
// donor's for the rest, counting the bytes saved; bad input is refused at the door.

import { expect } from 'chai';
import { ChecksumMismatchError, DuplicateModelError, GossipIndex, LayerStore, StoreOptionError } from 'graft/store';
import { makeLayer, storeCluster, until } from './cluster.js';

describe('LayerStore#put()', () => {
  it('stores new layers and references donor layers, counting bytes saved', async () => {
    const c = storeCluster(2);
    try {
      for (const i of c.indexes) i.start();
      const parent = [makeLayer('a', 500), makeLayer('b', 500, 2), makeLayer('c', 500, 3)];
      await c.stores[0]!.put({ modelId: 'parent', score: 0.5, layers: parent });
      await until(() => c.indexes[1]!.entry('parent') !== undefined, 5000, 'parent on rank 1');
      const match = c.indexes[1]!.donor(['a', 'b', 'z'])!;
      const result = await c.stores[1]!.put({ modelId: 'child', score: 0.6, layers: [...match.layers, makeLayer('z', 500, 9)] });
      expect(result).to.include({ layersStored: 1, layersReferenced: 2 });
      expect(result.bytesSaved).to.equal(match.layers[0]!.byteLength + match.layers[1]!.byteLength);
      expect(c.stores[1]!.stats()).to.include({ blobs: 1, bytesSaved: result.bytesSaved });

      // The child is now the better donor for its prefix; its first layers still come from rank 0.
      await until(() => c.indexes[0]!.entry('child') !== undefined, 5000, 'child on rank 0');
      const best = c.indexes[0]!.donor(['a', 'b', 'z'])!;
      expect(best).to.include({ modelId: 'child', matched: 3 });
      expect(best.layers.map((l) => l.rank)).to.deep.equal([0, 0, 1]);
      const fetched = await c.stores[0]!.fetch(best.layers);
      expect(fetched.layers.map((l) => l.source)).to.deep.equal(['local', 'local', 'peer']);
      fetched.release();
    } finally {
      await c.close();
    }
  });

  it('refuses a tensor whose bytes do not match its checksum, a duplicate id and bad shapes', async () => {
    const c = storeCluster(1);
    try {
      const bad = makeLayer('a', 16);
      bad.tensors[0]!.checksum ^= 1;
      await expectReject(c.stores[0]!.put({ modelId: 'm', score: 1, layers: [bad] }), ChecksumMismatchError, 'ERR_CHECKSUM_MISMATCH');
      await c.stores[0]!.put({ modelId: 'm', score: 1, layers: [makeLayer('a', 16)] });
      await expectReject(c.stores[0]!.put({ modelId: 'm', score: 1, layers: [makeLayer('b', 16)] }), DuplicateModelError, 'ERR_DUPLICATE_MODEL');
      const wrongShape = makeLayer('c', 16);
      wrongShape.tensors[0]!.shape = [15];
      await expectReject(c.stores[0]!.put({ modelId: 'n', score: 1, layers: [wrongShape] }), StoreOptionError, 'ERR_STORE_OPTION');
      await expectReject(c.stores[0]!.put({ modelId: 'n', score: NaN, layers: [makeLayer('d', 4)] }), StoreOptionError, 'ERR_STORE_OPTION');
    } finally {
      await c.close();
    }
  });

  it('names a misspelt option', () => {
    const c = storeCluster(1);
    try {
      expect(() => new LayerStore(c.transports[0]!, c.indexes[0]!, { capacitybytes: 5 } as never)).to.throw(StoreOptionError, /capacityBytes/);
      expect(() => new GossipIndex(c.transports[0]!, { fanout: 0 })).to.throw(StoreOptionError);
    } finally {
      void c.close();
    }
  });
});

async function expectReject(p: Promise<unknown>, cls: new (...args: never[]) => Error, code: string): Promise<void> {
  try {
    await p;
  } catch (err) {
    expect(err).to.be.instanceOf(cls);
    expect((err as { code: string }).code).to.equal(code);
    return;
  }
  expect.fail(`expected a ${cls.name}`);
}
