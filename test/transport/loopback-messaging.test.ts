// test/transport/loopback-messaging.test.ts: the in-process loopback delivers every message
// once, asynchronously, in order per (source, tag), including messages sent before the
// receiver subscribed; a borrowing subscriber's messages are taken back when it returns.

import { expect } from 'chai';
import { createLoopbackCluster, TagInUseError } from 'graft/transport';
import type { Transport } from 'graft/transport';

function collect(t: Transport, tag: number): Array<{ source: number; value: number }> {
  const seen: Array<{ source: number; value: number }> = [];
  t.subscribe(tag, (source, bytes) => seen.push({ source, value: new DataView(bytes.buffer, bytes.byteOffset).getUint32(0) }));
  return seen;
}

function u32(value: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value);
  return bytes;
}

describe('createLoopbackCluster() messaging', () => {
  it('delivers all-to-all traffic among 64 ranks exactly once and in order per (source, tag)', async () => {
    const ranks = createLoopbackCluster(64);
    const inbox = ranks.map((t) => [collect(t, 100), collect(t, 101)]);
    const sends: Promise<void>[] = [];
    for (let i = 0; i < 5; i++) {
      for (const t of ranks) {
        for (let dest = 0; dest < ranks.length; dest++) sends.push(t.send(dest, 100 + (i % 2), u32(i)));
      }
    }
    await Promise.all(sends);
    await Promise.all(ranks.map((t) => t.barrier()));
    await new Promise((resolve) => setImmediate(resolve));
    for (const [tag, expected] of [[0, [0, 2, 4]], [1, [1, 3]]] as const) {
      for (const boxes of inbox) {
        for (let source = 0; source < ranks.length; source++) {
          expect(boxes[tag]!.filter((m) => m.source === source).map((m) => m.value)).to.deep.equal(expected);
        }
      }
    }
  });

  it('delivers after send returns, never inside it', async () => {
    const [a, b] = createLoopbackCluster(2) as [Transport, Transport];
    const seen = collect(b, 7);
    const sent = a.send(1, 7, u32(1));
    expect(seen).to.have.length(0);
    await sent;
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).to.deep.equal([{ source: 0, value: 1 }]);
  });

  it('keeps messages sent before anyone subscribed, in order, for the first subscriber', async () => {
    const [a, b] = createLoopbackCluster(2) as [Transport, Transport];
    for (let i = 0; i < 10; i++) await a.send(1, 3, u32(i));
    await new Promise((resolve) => setImmediate(resolve));
    const seen = collect(b, 3);
    await a.send(1, 3, u32(10));
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen.map((m) => m.value)).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('takes back a borrowed message when its handler returns, also one from the backlog', async () => {
    const [a, b] = createLoopbackCluster(2) as [Transport, Transport];
    await a.send(1, 4, u32(1)); // waits in the backlog: nobody subscribed yet
    await new Promise((resolve) => setImmediate(resolve));
    const lent: Array<{ bytes: Uint8Array; value: number }> = [];
    b.subscribe(
      4,
      (_source, bytes) => lent.push({ bytes, value: new DataView(bytes.buffer, bytes.byteOffset).getUint32(0) }),
      { borrow: true },
    );
    await a.send(1, 4, u32(2));
    await a.send(1, 4, u32(3));
    await new Promise((resolve) => setImmediate(resolve));
    expect(lent.map((m) => m.value)).to.deep.equal([1, 2, 3]);
    expect(lent.map((m) => m.bytes.byteLength)).to.deep.equal([0, 0, 0]);
    // Without borrow the handler owns its bytes.
    const kept: Uint8Array[] = [];
    b.subscribe(5, (_source, bytes) => kept.push(bytes));
    await a.send(1, 5, u32(9));
    await new Promise((resolve) => setImmediate(resolve));
    expect(kept[0]!.byteLength).to.equal(4);
  });

  it('copies the payload at send, so the sender may reuse its buffer at once', async () => {
    const [a, b] = createLoopbackCluster(2) as [Transport, Transport];
    const seen = collect(b, 1);
    const buffer = u32(42);
    await a.send(1, 1, buffer);
    buffer.fill(0);
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen[0]!.value).to.equal(42);
  });

  it('accepts ArrayBuffer, SharedArrayBuffer and other views as payloads', async () => {
    const [a, b] = createLoopbackCluster(2) as [Transport, Transport];
    const got: number[][] = [];
    b.subscribe(2, (_source, bytes) => got.push([...bytes]));
    const shared = new SharedArrayBuffer(2);
    new Uint8Array(shared).set([5, 6]);
    await a.send(1, 2, new Uint8Array([1, 2]).buffer);
    await a.send(1, 2, shared);
    await a.send(1, 2, new Uint16Array([0x0403]));
    await new Promise((resolve) => setImmediate(resolve));
    expect(got).to.deep.equal([[1, 2], [5, 6], [3, 4]]);
  });

  it('allows one subscriber per tag, and a new one after unsubscribing', () => {
    const [a] = createLoopbackCluster(1) as [Transport];
    const off = a.subscribe(5, () => {});
    expect(() => a.subscribe(5, () => {})).to.throw(TagInUseError).with.property('code', 'ERR_TAG_IN_USE');
    off();
    expect(() => a.subscribe(5, () => {})).not.to.throw();
  });
});
