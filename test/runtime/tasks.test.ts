// Stateless tasks on a rank's piscina pool.

import { expect } from 'chai';
import { ModuleLoadError } from 'graft/runtime';
import type * as Tasks from '../fixtures/runtime/tasks.js';
import { startJob, tasksUrl, type Job } from './cluster.js';

describe('runtime: tasks', () => {
  let job: Job;

  before(async () => {
    job = await startJob(2, { taskThreads: 1 });
  });
  after(() => job.stop());

  it('runs a function from a module and returns its result', async () => {
    const add = job.driver.task<typeof Tasks.add>(tasksUrl, 'add');
    expect(await add(2, 3)).to.equal(5);
  });

  it('carries typed arrays both ways', async () => {
    const scale = job.driver.task<typeof Tasks.scale>(tasksUrl, 'scale');
    const out = await scale(new Float64Array([1, 2]), 3);
    expect(out).to.be.instanceOf(Float64Array);
    expect(Array.from(out)).to.deep.equal([3, 6]);
  });

  it('runs on another rank’s pool when asked', async () => {
    const add = job.ranks[1]!.task<typeof Tasks.add>(tasksUrl, 'add', { rank: 0 });
    expect(await add(1, 1)).to.equal(2);
    const remote = job.driver.task<typeof Tasks.add>(tasksUrl, 'add', { rank: 1 });
    expect(await remote(4, 4)).to.equal(8);
  });

  it('rejects with the task’s error, class kept and rank named', async () => {
    const explode = job.driver.task<typeof Tasks.explode>(tasksUrl, 'explode', { rank: 1 });
    try {
      await explode('boom');
      expect.fail('expected a rejection');
    } catch (err) {
      expect(err).to.be.instanceOf(RangeError);
      expect((err as Error).message).to.equal('boom');
      expect((err as Error).stack).to.include('rank 1');
    }
  });

  it('rejects a missing function with ModuleLoadError', async () => {
    const missing = job.driver.task(tasksUrl, 'nothing');
    try {
      await missing();
      expect.fail('expected a rejection');
    } catch (err) {
      expect(err).to.be.instanceOf(ModuleLoadError);
    }
  });
});
