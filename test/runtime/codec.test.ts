// The encoding user values get when they cross threads and ranks.

import { expect } from 'chai';
import { ObjectRef, SerializationError, type Remote } from 'graft/runtime';
import type { Counter } from '../fixtures/runtime/actors.js';
import { actorsUrl, startLocal } from './cluster.js';

describe('runtime: value encoding', () => {
  it('carries typed arrays with their element type, object refs as refs, and refuses symbols', async () => {
    const job = await startLocal();
    try {
      const counter: Remote<Counter> = await job.driver.spawn<Counter>(actorsUrl, 'Counter');
      const big = new Float64Array(1 << 20).map((_, i) => i * 0.5);
      const back = (await counter.echo(big)) as Float64Array;
      expect(back).to.be.instanceOf(Float64Array);
      expect(back.length).to.equal(big.length);
      expect(back[12345]).to.equal(6172.5);
      const ref = new ObjectRef({ id: 1, rank: 0, kind: 'value', byteLength: 3 });
      const refBack = (await counter.echo(ref)) as ObjectRef;
      expect(refBack).to.be.instanceOf(ObjectRef);
      expect(refBack.toData()).to.deep.equal(ref.toData());
      let err: unknown;
      try {
        await counter.echo({ nested: [Symbol('x')] });
      } catch (e) {
        err = e;
      }
      expect(err).to.be.instanceOf(SerializationError);
    } finally {
      await job.stop();
    }
  });
});
