// Calls sent to an actor whose thread dies before it begins them were never run: they go to the
// restarted actor without spending maxTaskRetries, on one rank and across ranks. Calls it may
// have begun still count against the budget.

import { expect } from 'chai';
import { ActorDiedError } from 'graft/runtime';
import type { Counter } from '../fixtures/runtime/actors.js';
import { actorsUrl, startJob, type Job } from './cluster.js';
import { rejection } from '../helpers/rejection.js';

describe('runtime: calls the dying actor never began', () => {
  let job: Job;

  before(async () => {
    job = await startJob(2);
  });
  after(() => job.stop());

  for (const rank of [0, 1]) {
    it(`sends them to the restarted actor without retries (actor on rank ${rank})`, async () => {
      const c = await job.driver.spawn<Counter>(actorsUrl, 'Counter', [5], { rank, maxRestarts: 1 });
      // One batch: the actor begins 'exit' and its thread ends before the rest can begin.
      const exit = c.exit(1);
      const after = [c.add(1), c.get()];
      expect(await rejection(exit)).to.be.instanceOf(ActorDiedError);
      expect(await Promise.all(after)).to.deep.equal([6, 6]);
      expect((await c.whoAmI()).incarnation).to.equal(1);
      expect(await c.history()).to.deep.equal([1]);
    });
  }

  it('still fails them when the actor is dead for good', async () => {
    const c = await job.driver.spawn<Counter>(actorsUrl, 'Counter', [], { rank: 1 });
    const exit = c.exit(1);
    const later = c.get();
    expect(await rejection(exit)).to.be.instanceOf(ActorDiedError);
    expect(await rejection(later)).to.be.instanceOf(ActorDiedError);
  });
});
