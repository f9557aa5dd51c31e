// Type tests for Remote<T>: these assertions are checked by the compiler (a wrong mapping
// fails the build); the runtime part checks that a handle's calls reach the actor's methods,
// and that a name the class lacks is refused (a handle answers any name with a function, so
// only a call tells the two apart).

import { expect } from 'chai';
import { kActor, type ActorRef, type Remote } from 'graft/runtime';
import type { Counter } from '../fixtures/runtime/actors.js';
import { rejection } from '../helpers/rejection.js';
import { actorsUrl, startLocal } from './cluster.js';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Assert<T extends true> = T;

type C = Remote<Counter>;
export type Checks = [
  // sync methods become Promise-returning, async ones are not double-wrapped
  Assert<Equal<C['add'], (n: number) => Promise<number>>>,
  Assert<Equal<C['later'], (ms: number, value: number) => Promise<number>>>,
  Assert<Equal<C['noop'], () => Promise<void>>>,
  // fields are not members of a handle, the reserved member is a symbol
  Assert<Equal<'count' extends keyof C ? true : false, false>>,
  Assert<Equal<C[typeof kActor], ActorRef>>,
];

describe('runtime: Remote<T>', () => {
  it('gives handles callable methods and a symbol-keyed ref, as the types say', async () => {
    const job = await startLocal();
    try {
      const counter: C = await job.driver.spawn<Counter>(actorsUrl, 'Counter', [1]);
      const sum = counter.add(1);
      expect(sum).to.be.instanceOf(Promise);
      expect(await sum).to.equal(2);
      expect(await counter.noop()).to.equal(undefined);
      const missing = await rejection((counter as unknown as { nosuch(): Promise<void> }).nosuch());
      expect(missing.message).to.contain('nosuch');
      expect(counter[kActor].className).to.equal('Counter');
    } finally {
      await job.stop();
    }
  });
});
