// The anti-entropy exchange itself: only what the peer lacks travels, newer versions replace
// older ones, a silent origin is suspected and revived when its heartbeat rises again, and a
// malformed message on the gossip tag is dropped without harm.

import { expect } from 'chai';
import { GossipReplica, kGossipTag } from 'graft/store';
import { makeLayer, storeCluster, until } from './cluster.js';

/** `a` opens an exchange with `b`; how many records travelled each way. */
function exchange<V>(a: GossipReplica<V>, b: GossipReplica<V>): { toA: number; toB: number } {
  const ack = b.onSyn(a.syn());
  const ack2 = a.onAck(ack);
  b.onAck2(ack2);
  const count = (ds: { records: unknown[] }[]): number => ds.reduce((s, d) => s + d.records.length, 0);
  return { toA: count(ack.deltas), toB: count(ack2.deltas) };
}

describe('GossipReplica exchange', () => {
  it('sends only the records the peer lacks, and nothing once in step', () => {
    const a = new GossipReplica<string>({ rank: 0, size: 3, suspectAfter: 5 });
    const b = new GossipReplica<string>({ rank: 1, size: 3, suspectAfter: 5 });
    a.write('x', 'x1');
    a.write('y', 'y1');
    b.write('z', 'z1');
    expect(exchange(a, b)).to.deep.equal({ toA: 1, toB: 2 });
    expect(exchange(a, b)).to.deep.equal({ toA: 0, toB: 0 });
    a.write('x', 'x2');
    expect(exchange(b, a)).to.deep.equal({ toA: 1, toB: 0 });
    expect(b.get(0, 'x')?.value).to.equal('x2');
    expect(b.recordCount).to.equal(3);
  });

  it('suspects an origin whose heartbeat stops rising and revives it when it rises', () => {
    const a = new GossipReplica<string>({ rank: 0, size: 2, suspectAfter: 3 });
    const b = new GossipReplica<string>({ rank: 1, size: 2, suspectAfter: 3 });
    for (let i = 0; i < 3; i++) {
      a.tick();
      b.tick();
      exchange(a, b);
    }
    expect(a.isSuspected(1)).to.equal(false);
    for (let i = 0; i < 4; i++) a.tick();
    expect(a.isSuspected(1)).to.equal(true);
    b.tick();
    exchange(a, b);
    expect(a.isSuspected(1)).to.equal(false);
  });

  it('drops a malformed message on the gossip tag and keeps gossiping', async () => {
    const c = storeCluster(3);
    try {
      for (const i of c.indexes) i.start();
      await c.transports[1]!.send(0, kGossipTag, new Uint8Array([0xc1, 0xff, 0x00]));
      await c.stores[2]!.put({ modelId: 'm', score: 1, layers: [makeLayer('a', 8)] });
      await until(() => c.indexes[0]!.entry('m') !== undefined, 5000, 'the entry on rank 0');
    } finally {
      await c.close();
    }
  });
});
