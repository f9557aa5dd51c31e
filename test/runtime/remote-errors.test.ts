// Errors thrown in actors reach the caller whole: class, message, code, remote stack, origin.

import { expect } from 'chai';
import { actorRefOf, errorOrigin, SerializationError, type Remote } from 'graft/runtime';
import type { Counter } from '../fixtures/runtime/actors.js';
import { actorsUrl, startLocal, type Job } from './cluster.js';
import { rejection } from '../helpers/rejection.js';

describe('runtime: remote errors', () => {
  let job: Job;
  let counter: Remote<Counter>;

  before(async () => {
    job = await startLocal();
    counter = await job.driver.spawn<Counter>(actorsUrl, 'Counter', [], { name: 'thrower' });
  });
  after(() => job.stop());

  it('rebuilds built-in classes with message and the remote stack', async () => {
    const err = await rejection(counter.failWith('range', 'out of range'));
    expect(err).to.be.instanceOf(RangeError);
    expect(err.message).to.equal('out of range');
    expect(err.stack).to.include('failWith');
    expect(err.stack).to.include('actors.js');
  });

  it('names the actor, its name and rank as the origin', async () => {
    const err = await rejection(counter.failWith('type', 'bad type'));
    expect(err).to.be.instanceOf(TypeError);
    const origin = errorOrigin(err)!;
    expect(origin).to.include({ rank: 0, actor: actorRefOf(counter).id, actorName: 'thrower', className: 'Counter', method: 'failWith' });
    expect(err.cause).to.deep.equal(origin);
  });

  it('keeps the name and code of classes it cannot rebuild', async () => {
    const err = await rejection(counter.failWith('custom', 'mine'));
    expect(err.name).to.equal('CustomFailure');
    expect((err as Error & { code?: string }).code).to.equal('E_CUSTOM');
    expect(err.message).to.equal('mine');
  });

  it('rejects with the error of a rejected async method', async () => {
    const err = await rejection(counter.rejectLater('async failure'));
    expect(err.message).to.equal('async failure');
    expect(errorOrigin(err)?.method).to.equal('rejectLater');
  });

  it('answers a missing method with a TypeError', async () => {
    const err = await rejection((counter as unknown as { nope(): Promise<void> }).nope());
    expect(err).to.be.instanceOf(TypeError);
  });

  it('turns a result that cannot be sent into a SerializationError', async () => {
    const err = await rejection(counter.unsendable());
    expect(err).to.be.instanceOf(SerializationError);
    expect((err as SerializationError).code).to.equal('ERR_SERIALIZATION');
  });

  it('rejects an argument that cannot be sent, and the actor keeps serving', async () => {
    const err = await rejection(counter.echo(() => 1));
    expect(err).to.be.instanceOf(SerializationError);
    expect(await counter.echo(3)).to.equal(3);
  });
});
