// Handles are values: passed to actors, returned from actors, looked up by name.

import { expect } from 'chai';
import { InvalidArgumentError } from 'graft';
import { ActorNameTakenError, ActorNotFoundError, actorRefOf, type Remote } from 'graft/runtime';
import type { Counter, Forwarder } from '../fixtures/runtime/actors.js';
import { actorsUrl, startLocal, type Job } from './cluster.js';

describe('runtime: handles and named actors', () => {
  let job: Job;

  before(async () => {
    job = await startLocal();
  });
  after(() => job.stop());

  it('lets an actor call another actor through a handle passed as an argument', async () => {
    const counter = await job.driver.spawn<Counter>(actorsUrl, 'Counter', [1]);
    const forwarder = await job.driver.spawn<Forwarder>(actorsUrl, 'Forwarder');
    expect(await forwarder.callAdd(counter, 2)).to.equal(3);
    expect(await counter.get()).to.equal(3);
  });

  it('returns a handle spawned inside an actor that the driver can call', async () => {
    const forwarder = await job.driver.spawn<Forwarder>(actorsUrl, 'Forwarder');
    const made = await forwarder.spawnCounter(actorsUrl.href, 40);
    expect(await made.add(2)).to.equal(42);
    expect(actorRefOf(made).className).to.equal('Counter');
  });

  it('finds a named actor from the driver and from inside another actor', async () => {
    const named = await job.driver.spawn<Counter>(actorsUrl, 'Counter', [7], { name: 'seven' });
    const found = await job.driver.getActor<Counter>('seven');
    expect(actorRefOf(found).id).to.equal(actorRefOf(named).id);
    const forwarder = await job.driver.spawn<Forwarder>(actorsUrl, 'Forwarder');
    expect(await forwarder.lookupAndGet('seven')).to.equal(7);
  });

  it('refuses a second live actor with the same name, and frees the name when it dies', async () => {
    const first = await job.driver.spawn<Counter>(actorsUrl, 'Counter', [], { name: 'unique' });
    let err: unknown;
    try {
      await job.driver.spawn(actorsUrl, 'Counter', [], { name: 'unique' });
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(ActorNameTakenError);
    await job.driver.kill(first);
    for (let i = 0; i < 100; i++) {
      const status = await job.driver.status();
      if (status.actors.find((a) => a.id === actorRefOf(first).id)?.state === 'dead') break;
      await new Promise((r) => setTimeout(r, 10));
    }
    const second = await job.driver.spawn<Counter>(actorsUrl, 'Counter', [5], { name: 'unique' });
    expect(await second.get()).to.equal(5);
  });

  it('rejects a lookup of an unknown name with ActorNotFoundError', async () => {
    let err: unknown;
    try {
      await job.driver.getActor('nobody');
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(ActorNotFoundError);
    expect((err as ActorNotFoundError).code).to.equal('ERR_ACTOR_NOT_FOUND');
  });

  it('validates spawn options at the door, rejecting with InvalidArgumentError', async () => {
    const attempts: Array<Promise<Remote<unknown>>> = [
      job.driver.spawn(actorsUrl, 'Counter', [], { maxRestart: 1 } as never),
      job.driver.spawn(actorsUrl, 'Counter', [], { resources: { gpus: 1 } } as never),
      job.driver.spawn(actorsUrl, 'Counter', [], { rank: 3 }),
      job.driver.spawn(actorsUrl, 'Counter', [], { strategy: 'random' as never }),
      job.driver.spawn(actorsUrl, 'Counter', [], { maxConcurrency: 0 }),
      job.driver.spawn(actorsUrl, '', []),
    ];
    for (const attempt of attempts) {
      let err: unknown;
      try {
        await attempt;
      } catch (e) {
        err = e;
      }
      expect(err).to.be.instanceOf(InvalidArgumentError);
      expect((err as InvalidArgumentError).code).to.equal('ERR_INVALID_ARGUMENT');
    }
  });

  it('names the right spelling of a misspelt option', async () => {
    let err: unknown;
    try {
      await job.driver.spawn(actorsUrl, 'Counter', [], { maxRestart: 1 } as never);
    } catch (e) {
      err = e;
    }
    expect((err as InvalidArgumentError).details).to.include({ option: 'maxRestart', suggestion: 'maxRestarts' });
  });
});

describe('runtime: actor classes', () => {
  let job: Job;

  before(async () => {
    job = await startLocal();
  });
  after(() => job.stop());

  it('spawns from a class value, and .options() returns a configured copy', async () => {
    const { Counter: CounterClass } = await import('../fixtures/runtime/actors.js');
    const Counters = job.driver.actorClass<typeof CounterClass>(actorsUrl, 'Counter');
    const named = Counters.options({ name: 'from-class', maxRestarts: 1 });
    const a = await Counters.spawn(3);
    const b = await named.spawn(4);
    expect(await a.add(1)).to.equal(4);
    expect(actorRefOf(b).name).to.equal('from-class');
    expect(actorRefOf(a).name).to.equal(undefined);
    expect(await (await job.driver.getActor<Counter>('from-class')).get()).to.equal(4);
  });
});
