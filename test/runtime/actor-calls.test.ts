// Calls to an actor on the same rank: results, per-caller order, async methods, concurrency.

import { expect } from 'chai';
import { actorRefOf, kActor, type Remote } from 'graft/runtime';
import type { Counter } from '../fixtures/runtime/actors.js';
import { actorsUrl, startLocal, type Job } from './cluster.js';

describe('runtime: actor calls', () => {
  let job: Job;
  let counter: Remote<Counter>;

  before(async () => {
    job = await startLocal();
    counter = await job.driver.spawn<Counter>(actorsUrl, 'Counter', [10]);
  });
  after(() => job.stop());

  it('runs the constructor with its arguments and returns method results', async () => {
    expect(await counter.get()).to.equal(10);
    expect(await counter.add(5)).to.equal(15);
  });

  it('keeps one caller’s calls in the order they were made, pipelined', async () => {
    const before = (await counter.history()).length;
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => counter.add(i)));
    const history = (await counter.history()).slice(before);
    expect(history).to.deep.equal(Array.from({ length: 200 }, (_, i) => i));
    expect(results[199]).to.equal(results[198]! + 199);
  });

  it('carries values of many kinds, typed arrays as typed arrays', async () => {
    const value = { text: 'é', n: 1.5, big: 12n, list: [1, null, true], nested: { f32: new Float32Array([1, 2.5]) }, bytes: new Uint8Array([1, 2]) };
    const back = (await counter.echo(value)) as typeof value;
    expect(back.nested.f32).to.be.instanceOf(Float32Array);
    expect(Array.from(back.nested.f32)).to.deep.equal([1, 2.5]);
    expect(back.big).to.equal(12n);
    expect({ ...back, nested: null, bytes: null }).to.deep.equal({ ...value, nested: null, bytes: null });
    expect(Array.from(back.bytes)).to.deep.equal([1, 2]);
  });

  it('runs async methods one at a time by default, in arrival order', async () => {
    const c = await job.driver.spawn<Counter>(actorsUrl, 'Counter');
    await Promise.all([c.later(60, 1), c.later(0, 2)]);
    expect(await c.history()).to.deep.equal([1, 2]);
  });

  it('interleaves async methods up to maxConcurrency', async () => {
    const c = await job.driver.spawn<Counter>(actorsUrl, 'Counter', [], { maxConcurrency: 2 });
    await Promise.all([c.later(200, 1), c.later(0, 2)]);
    expect(await c.history()).to.deep.equal([2, 1]);
  });

  it('exposes reserved members as symbols only', () => {
    const ref = actorRefOf(counter);
    expect(counter[kActor]).to.equal(ref);
    expect(ref.className).to.equal('Counter');
    expect(Object.keys(counter)).to.deep.equal([]);
    expect((counter as unknown as { then?: unknown }).then).to.equal(undefined);
  });

  it('can be awaited as a value without calling the actor', async () => {
    const same = await Promise.resolve(counter);
    expect(actorRefOf(same).id).to.equal(actorRefOf(counter).id);
  });

  it('counts calls done in status()', async () => {
    const status = await job.driver.status();
    const mine = status.actors.find((a) => a.id === actorRefOf(counter).id)!;
    expect(mine.state).to.equal('alive');
    expect(mine.callsDone).to.be.greaterThan(200);
    expect(mine.restarts).to.equal(0);
  });
});
