// test/transport/loopback-collectives.test.ts: barrier, allgather and broadcast across many
// in-process ranks, including the 1,024-rank simulations the upper layers run.

import { expect } from 'chai';
import { ClosedError } from 'graft';
import { CollectiveMismatchError, createLoopbackCluster } from 'graft/transport';

describe('createLoopbackCluster() collectives', () => {
  it('allgathers one contribution per rank, indexed by rank, across 1,024 ranks', async () => {
    const ranks = createLoopbackCluster(1024);
    const results = await Promise.all(ranks.map((t) => t.allgather(new Uint32Array([t.rank * 3]))));
    for (const all of results) {
      expect(all).to.have.length(1024);
      expect(new Uint32Array(all[1000]!.slice().buffer)[0]).to.equal(3000);
    }
  });

  it("broadcasts the root's bytes to every rank, and keeps collectives in call order", async () => {
    const ranks = createLoopbackCluster(16);
    const [first, second] = await Promise.all([
      Promise.all(ranks.map((t) => t.broadcast(5, t.rank === 5 ? new Uint8Array([9, 8]) : undefined))),
      Promise.all(ranks.map((t) => t.broadcast(0, t.rank === 0 ? new Uint8Array([1]) : undefined))),
    ]);
    for (const bytes of first) expect([...bytes]).to.deep.equal([9, 8]);
    for (const bytes of second) expect([...bytes]).to.deep.equal([1]);
  });

  it('does not release a barrier until every rank has entered it', async () => {
    const ranks = createLoopbackCluster(4);
    let released = 0;
    const early = ranks.slice(0, 3).map((t) => t.barrier().then(() => released++));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(released).to.equal(0);
    await Promise.all([...early, ranks[3]!.barrier()]);
    expect(released).to.equal(3);
  });

  it('rejects ranks that call different collectives at the same step', async () => {
    const [a, b] = createLoopbackCluster(2);
    const results = await Promise.allSettled([a!.barrier(), b!.allgather(new Uint8Array(1))]);
    for (const r of results) {
      expect(r.status).to.equal('rejected');
      expect((r as PromiseRejectedResult).reason).to.be.instanceOf(CollectiveMismatchError);
    }
  });

  it('fails a collective waiting for a rank that closes', async () => {
    const [a, b] = createLoopbackCluster(2);
    const waiting = a!.barrier();
    await b!.close();
    const err = await waiting.then(() => undefined, (e: unknown) => e);
    expect(err).to.be.instanceOf(ClosedError);
  });
});
