// The gossip index converges: in a round-based simulation of 1,024 ranks within 2·log2(N)+2
// rounds, and over a loopback transport with the real timers; a crashed rank is suspected by
// every live rank, and no live rank is suspected.

import { expect } from 'chai';
import { simulateGossip } from 'graft/store';
import { makeLayer, storeCluster, until } from './cluster.js';

describe('gossip convergence', () => {
  it('reaches all 1,024 simulated ranks within 2·log2(N)+2 rounds, every rank writing', () => {
    const n = 1024;
    const result = simulateGossip({ ranks: n, fanout: 2, seed: 3 });
    expect(result.rounds).to.be.within(1, 2 * Math.log2(n) + 2);
  });

  it('converges at several sizes and fanouts', () => {
    for (const [n, fanout] of [[16, 1], [100, 2], [512, 3]] as const) {
      const result = simulateGossip({ ranks: n, fanout, writers: Math.min(n, 64), seed: n });
      expect(result.rounds, `n=${n}`).to.be.within(1, 2 * Math.ceil(Math.log2(n)) + 2);
    }
  });

  it('suspects a crashed rank everywhere and nobody else', () => {
    const result = simulateGossip({ ranks: 256, fanout: 2, writers: 32, crashes: [{ rank: 5, atRound: 3 }], untilRound: 40, seed: 9 });
    expect(result.rounds).to.be.greaterThan(0);
    expect(result.suspectedBy.get(5)).to.equal(255);
    expect(result.falseSuspicions).to.equal(0);
  });

  it('spreads entries to every rank over a loopback transport', async () => {
    const c = storeCluster(12);
    try {
      for (const i of c.indexes) i.start();
      await Promise.all(c.stores.map((s, r) => s.put({ modelId: `m${r}`, score: r, layers: [makeLayer(`L${r}`, 16, r)] })));
      await until(() => c.indexes.every((i) => i.stats().entries === 12), 10_000, 'every replica to hold 12 entries');
      for (const i of c.indexes) {
        expect(i.entry('m7')?.owner).to.equal(7);
        expect(i.donor(['L7'])?.modelId).to.equal('m7');
      }
    } finally {
      await c.close();
    }
  });
});
