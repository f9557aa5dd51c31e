// Start timeout: an actor whose module import or constructor never finishes is ended after
// startTimeoutMs; spawn rejects with ActorStartTimeoutError instead of waiting forever.

import { expect } from 'chai';
import { InvalidArgumentError, TimeoutError } from 'graft';
import { ActorStartTimeoutError } from 'graft/runtime';
import type { SlowFirstStart } from '../fixtures/runtime/actors.js';
import { actorsUrl, hangingUrl, startLocal, type Job } from './cluster.js';
import { rejection } from '../helpers/rejection.js';

describe('runtime: actor start timeout', () => {
  let job: Job;

  before(async () => {
    job = await startLocal();
  });
  after(() => job.stop());

  async function deadActorsOf(className: string) {
    return (await job.driver.status()).actors.filter((a) => a.className === className && a.state === 'dead');
  }

  it('rejects spawn with ActorStartTimeoutError when the constructor never settles, and ends the thread', async () => {
    const err = await rejection(job.driver.spawn(actorsUrl, 'NeverReady', [], { startTimeoutMs: 200 }));
    expect(err).to.be.instanceOf(ActorStartTimeoutError);
    expect(err).to.be.instanceOf(TimeoutError);
    expect((err as ActorStartTimeoutError).code).to.equal('ERR_ACTOR_START_TIMEOUT');
    expect((err as ActorStartTimeoutError).details).to.include({ className: 'NeverReady', timeoutMs: 200 });
    // 'dead' is recorded only once the thread's exit event has come.
    expect(await deadActorsOf('NeverReady')).to.have.length(1);
  });

  it('rejects spawn with ActorStartTimeoutError when the module import never finishes', async () => {
    const err = await rejection(job.driver.spawn(hangingUrl, 'Unreachable', [], { startTimeoutMs: 200 }));
    expect(err).to.be.instanceOf(ActorStartTimeoutError);
    expect(await deadActorsOf('Unreachable')).to.have.length(1);
  });

  it('counts a start that timed out as a death: the actor restarts within maxRestarts', async () => {
    const actor = await job.driver.spawn<SlowFirstStart>(actorsUrl, 'SlowFirstStart', [], { startTimeoutMs: 200, maxRestarts: 1 });
    expect(await actor.incarnation()).to.equal(1);
  });

  it('refuses a startTimeoutMs that is not a positive integer', async () => {
    for (const startTimeoutMs of [0, -1, 1.5, Infinity]) {
      expect(await rejection(job.driver.spawn(actorsUrl, 'Counter', [], { startTimeoutMs }))).to.be.instanceOf(InvalidArgumentError);
    }
  });
});
