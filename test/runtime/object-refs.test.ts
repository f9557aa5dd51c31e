// Object refs: put/get/release, typed arrays in shared memory seen by actors without a copy,
// the store bound.

import { expect } from 'chai';
import { ObjectNotFoundError, ObjectRef, ObjectStoreFullError, type Remote } from 'graft/runtime';
import type { Sharer } from '../fixtures/runtime/actors.js';
import { actorsUrl, startLocal, type Job } from './cluster.js';

describe('runtime: object refs', () => {
  let job: Job;
  let sharer: Remote<Sharer>;

  before(async () => {
    job = await startLocal({ objectStoreMB: 1 });
    sharer = await job.driver.spawn<Sharer>(actorsUrl, 'Sharer');
  });
  after(() => job.stop());

  it('stores a typed array in shared memory that an actor reads and writes in place', async () => {
    const ref = await job.driver.put(new Float32Array([1, 2, 3, 4]));
    expect(ref.kind).to.equal('typed');
    expect(ref.byteLength).to.equal(16);
    const view = await job.driver.get(ref);
    expect(view.buffer).to.be.instanceOf(SharedArrayBuffer);
    expect(await sharer.isShared(ref)).to.equal(true);
    expect(await sharer.sum(ref)).to.equal(10);
    // The actor writes into the same memory the driver's view shows: no copy on either side.
    expect(await sharer.fill(ref, 2.5)).to.equal(4);
    expect(Array.from(view)).to.deep.equal([2.5, 2.5, 2.5, 2.5]);
  });

  it('keeps an array that is already shared without copying it', async () => {
    const shared = new Int32Array(new SharedArrayBuffer(8));
    const ref = await job.driver.put(shared);
    shared[0] = 99;
    expect((await job.driver.get(ref))[0]).to.equal(99);
  });

  it('stores other values encoded, and gives them back equal', async () => {
    const ref = await job.driver.put({ name: 'x', list: [1, 2], nested: { ok: true } });
    expect(ref.kind).to.equal('value');
    expect(await job.driver.get(ref)).to.deep.equal({ name: 'x', list: [1, 2], nested: { ok: true } });
  });

  it('hands refs made inside an actor back to the driver', async () => {
    const ref = await sharer.putValue({ from: 'actor' });
    expect(ref).to.be.instanceOf(ObjectRef);
    expect(await job.driver.get(ref)).to.deep.equal({ from: 'actor' });
  });

  it('frees a released ref: later gets reject with ObjectNotFoundError', async () => {
    const ref = await job.driver.put(new Uint8Array(10));
    await job.driver.release(ref);
    let err: unknown;
    try {
      await job.driver.get(ref);
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(ObjectNotFoundError);
  });

  it('refuses a put past the store bound with ObjectStoreFullError, and accepts it after a release', async () => {
    const big = await job.driver.put(new Uint8Array(700 * 1024));
    let err: unknown;
    try {
      await job.driver.put(new Uint8Array(700 * 1024));
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(ObjectStoreFullError);
    expect((err as ObjectStoreFullError).code).to.equal('ERR_OBJECT_STORE_FULL');
    await job.driver.release(big);
    const again = await job.driver.put(new Uint8Array(700 * 1024));
    expect(again.byteLength).to.equal(700 * 1024);
    const status = await job.driver.status();
    expect(status.ranks[0]!.objects.limitBytes).to.equal(1024 * 1024);
  });
});
