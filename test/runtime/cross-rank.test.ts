// Actors across ranks, over the in-process loopback transport (4 ranks, rank 0 drives): the
// same routing as under MPI, without launching processes. mpirun.test.ts runs it for real.

import { expect } from 'chai';
import { ActorDiedError, errorOrigin, type Remote } from 'graft/runtime';
import type { Counter, Forwarder, Sharer } from '../fixtures/runtime/actors.js';
import { actorsUrl, startJob, type Job } from './cluster.js';

describe('runtime: across ranks (loopback, 4 ranks)', () => {
  let job: Job;
  let counter: Remote<Counter>;

  before(async () => {
    job = await startJob(4);
    counter = await job.driver.spawn<Counter>(actorsUrl, 'Counter', [0], { rank: 1, name: 'shared-counter', maxRestarts: 1 });
  });
  after(() => job.stop());

  it('runs an actor on rank 1 and calls it from rank 0', async () => {
    expect((await counter.whoAmI()).rank).to.equal(1);
    expect(await counter.add(1)).to.equal(1);
  });

  it('calls it from an actor on rank 2 through a passed handle', async () => {
    const forwarder = await job.driver.spawn<Forwarder>(actorsUrl, 'Forwarder', [], { rank: 2 });
    expect(await forwarder.rankOf()).to.equal(2);
    const before = await counter.get();
    expect(await forwarder.callAdd(counter, 10)).to.equal(before + 10);
  });

  it('finds it by name from rank 3’s main thread', async () => {
    const found = await job.ranks[3]!.getActor<Counter>('shared-counter');
    const before = await counter.get();
    expect(await found.add(5)).to.equal(before + 5);
  });

  it('keeps one caller’s order across ranks', async () => {
    const start = (await counter.history()).length;
    await Promise.all(Array.from({ length: 100 }, (_, i) => counter.add(i)));
    expect((await counter.history()).slice(start)).to.deep.equal(Array.from({ length: 100 }, (_, i) => i));
  });

  it('brings an error back with the remote rank as origin', async () => {
    try {
      await counter.failWith('range', 'far away');
      expect.fail('expected a rejection');
    } catch (err) {
      expect(err).to.be.instanceOf(RangeError);
      expect(errorOrigin(err)).to.include({ rank: 1, actorName: 'shared-counter', method: 'failWith' });
      expect((err as Error).stack).to.include('rank 1');
    }
  });

  it('returns handles spawned on other ranks by actors', async () => {
    const forwarder = await job.driver.spawn<Forwarder>(actorsUrl, 'Forwarder', [], { rank: 3 });
    const made = await forwarder.spawnCounter(actorsUrl.href, 100);
    expect(await made.add(1)).to.equal(101);
  });

  it('fetches a ref from another rank, and hands refs made on another rank back', async () => {
    const ref = await job.driver.put(new Float32Array([1, 2, 3]));
    const remote = await job.driver.spawn<Sharer>(actorsUrl, 'Sharer', [], { rank: 3 });
    expect(await remote.sum(ref)).to.equal(6);
    const made = await remote.putValue({ on: 3 });
    expect(made.rank).to.equal(3);
    expect(await job.driver.get(made)).to.deep.equal({ on: 3 });
  });

  it('reports a death on rank 1 to a caller on rank 0, then serves the restarted actor', async () => {
    try {
      await counter.exit(3);
      expect.fail('expected a rejection');
    } catch (err) {
      expect(err).to.be.instanceOf(ActorDiedError);
    }
    expect(await counter.get()).to.equal(0);
    expect((await counter.whoAmI())).to.include({ rank: 1, incarnation: 1 });
  });

  it('lists every rank’s actors in status()', async () => {
    const status = await job.driver.status();
    expect(status.ranks.map((r) => r.rank)).to.deep.equal([0, 1, 2, 3]);
    const ranksWithActors = new Set(status.actors.map((a) => a.rank));
    for (const r of [1, 2, 3]) expect(ranksWithActors.has(r)).to.equal(true);
    const named = status.actors.find((a) => a.name === 'shared-counter')!;
    expect(named).to.include({ rank: 1, restarts: 1, state: 'alive' });
  });
});
