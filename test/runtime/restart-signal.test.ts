// SIGUSR2 to a rank's process restarts its actor threads through the runtime's own kill: the
// call in flight rejects with ActorDiedError, the actor comes back as its next incarnation
// within its restart budget. Ranks of a loopback cluster, which share a process, do not listen.

import { expect } from 'chai';
import { ActorDiedError, actorRefOf } from 'graft/runtime';
import type { Counter } from '../fixtures/runtime/actors.js';
import { rejection } from '../helpers/rejection.js';
import { actorsUrl, startJob, startLocal } from './cluster.js';

describe('runtime: SIGUSR2 restarts a rank\'s actors', () => {
  it('kills every live actor of the rank with a restart, failing the call in flight', async () => {
    const listeners = process.listenerCount('SIGUSR2');
    const job = await startLocal();
    try {
      expect(process.listenerCount('SIGUSR2')).to.equal(listeners + 1);
      // Two calls at once: a call answered after the slow one was posted proves the slow one
      // reached the actor and runs (calls on one handle arrive in order), whatever the load.
      const a = await job.driver.spawn<Counter>(actorsUrl, 'Counter', [5], { maxRestarts: 1, maxTaskRetries: 0, maxConcurrency: 2 });
      const b = await job.driver.spawn<Counter>(actorsUrl, 'Counter', [7], { maxRestarts: 1 });
      const inFlight = a.later(30_000, 1);
      expect(await a.get()).to.equal(5);
      process.kill(process.pid, 'SIGUSR2');
      expect(await rejection(inFlight)).to.be.instanceOf(ActorDiedError);
      expect(await a.get()).to.equal(5);
      expect((await a.whoAmI()).incarnation).to.equal(1);
      expect((await b.whoAmI()).incarnation).to.equal(1);
      const status = await job.driver.status();
      for (const h of [a, b]) expect(status.actors.find((s) => s.id === actorRefOf(h).id)).to.include({ state: 'alive', restarts: 1 });
    } finally {
      await job.stop();
    }
    expect(process.listenerCount('SIGUSR2')).to.equal(listeners);
  });

  it('is not listened for by the ranks of a loopback cluster', async () => {
    const listeners = process.listenerCount('SIGUSR2');
    const job = await startJob(2);
    try {
      expect(process.listenerCount('SIGUSR2')).to.equal(listeners);
    } finally {
      await job.stop();
    }
  });
});
