// Faults: an actor's thread dies (constructor throw, process.exit, heap limit, kill); calls in
// flight reject with ActorDiedError, the actor restarts within maxRestarts and lost calls are
// sent again within maxTaskRetries.

import { expect } from 'chai';
import { ActorDiedError, actorRefOf, ModuleLoadError, type Remote } from 'graft/runtime';
import type { Counter, FlakyStart } from '../fixtures/runtime/actors.js';
import { actorsUrl, startLocal, type Job } from './cluster.js';
import { rejection } from '../helpers/rejection.js';

describe('runtime: actor death, restarts and retries', () => {
  let job: Job;

  before(async () => {
    job = await startLocal();
  });
  after(() => job.stop());

  async function stateOf(handle: Remote<unknown>) {
    const status = await job.driver.status();
    return status.actors.find((a) => a.id === actorRefOf(handle).id)!;
  }

  it('rejects spawn with ActorDiedError when the constructor throws, with the throw as cause', async () => {
    const err = await rejection(job.driver.spawn(actorsUrl, 'Failing', ['no start'], { maxRestarts: 1 }));
    expect(err).to.be.instanceOf(ActorDiedError);
    expect((err as ActorDiedError).code).to.equal('ERR_ACTOR_DIED');
    expect((err as ActorDiedError).details).to.include({ restarts: 1, className: 'Failing' });
    expect(err.cause).to.be.instanceOf(RangeError);
    expect((err.cause as Error).message).to.equal('no start');
  });

  it('rejects spawn when the module does not export the class', async () => {
    const err = await rejection(job.driver.spawn(actorsUrl, 'Missing'));
    expect(err).to.be.instanceOf(ActorDiedError);
    expect(err.cause).to.be.instanceOf(ModuleLoadError);
  });

  it('restarts a constructor that fails, within maxRestarts', async () => {
    const ref = await job.driver.put(new Int32Array(1));
    const flaky = await job.driver.spawn<FlakyStart>(actorsUrl, 'FlakyStart', [ref, 2], { maxRestarts: 2 });
    expect(await flaky.incarnation()).to.equal(2);
    expect((await stateOf(flaky)).restarts).to.equal(2);
  });

  it('rejects a call in flight with ActorDiedError when the thread exits, and every later call', async () => {
    const c = await job.driver.spawn<Counter>(actorsUrl, 'Counter');
    const err = await rejection(c.exit(7));
    expect(err).to.be.instanceOf(ActorDiedError);
    expect((err.cause as Error).message).to.include('code 7');
    expect(await rejection(c.get())).to.be.instanceOf(ActorDiedError);
    expect((await stateOf(c)).state).to.equal('dead');
  });

  it('restarts after a death (constructor runs again) and serves new calls', async () => {
    const c = await job.driver.spawn<Counter>(actorsUrl, 'Counter', [100], { maxRestarts: 1 });
    await c.add(1);
    expect(await rejection(c.exit(1))).to.be.instanceOf(ActorDiedError);
    expect(await c.get()).to.equal(100);
    expect((await c.whoAmI()).incarnation).to.equal(1);
    const state = await stateOf(c);
    expect(state).to.include({ state: 'alive', restarts: 1, incarnation: 1 });
  });

  it('sends a lost call again to the restarted actor within maxTaskRetries', async () => {
    const c = await job.driver.spawn<Counter>(actorsUrl, 'Counter', [], { maxRestarts: 1, maxTaskRetries: 1 });
    await c.get();
    const slow = c.later(300, 42);
    await job.driver.kill(c, { restart: true });
    expect(await slow).to.equal(42);
    expect((await c.whoAmI()).incarnation).to.equal(1);
  });

  it('stops retrying a call that kills the actor every time, and the actor dies for good', async () => {
    const c = await job.driver.spawn<Counter>(actorsUrl, 'Counter', [], { maxRestarts: 2, maxTaskRetries: 1 });
    const err = await rejection(c.exit(1));
    expect(err).to.be.instanceOf(ActorDiedError);
    // two deaths used two restarts; the third incarnation is alive
    expect((await c.whoAmI()).incarnation).to.equal(2);
    expect(await rejection(c.exit(1))).to.be.instanceOf(ActorDiedError);
    expect((await stateOf(c)).state).to.equal('dead');
  });

  it('ends an actor that runs out of its heap limit with ActorDiedError', async () => {
    const c = await job.driver.spawn<Counter>(actorsUrl, 'Counter', [], { resources: { memoryMB: 24 } });
    const err = await rejection(c.hog());
    expect(err).to.be.instanceOf(ActorDiedError);
    expect((err.cause as Error & { code?: string }).code).to.equal('ERR_WORKER_OUT_OF_MEMORY');
  });

  it('restarts after an uncaught exception that follows a reply', async () => {
    const c = await job.driver.spawn<Counter>(actorsUrl, 'Counter', [], { maxRestarts: 1 });
    expect(await c.crashSoon()).to.equal('bye');
    // Wait until the restarted thread is up, so the calls below reach incarnation 1 directly.
    for (let i = 0; i < 250; i++) {
      await new Promise((r) => setTimeout(r, 20));
      const state = await stateOf(c);
      if (state.restarts === 1 && state.state === 'alive') break;
    }
    expect(await stateOf(c)).to.include({ restarts: 1, state: 'alive' });
    expect(await c.get()).to.equal(0);
    expect((await c.whoAmI()).incarnation).to.equal(1);
  });

  it('kills an actor for good', async () => {
    const c = await job.driver.spawn<Counter>(actorsUrl, 'Counter');
    await job.driver.kill(c);
    expect(await rejection(c.get())).to.be.instanceOf(ActorDiedError);
  });
});
