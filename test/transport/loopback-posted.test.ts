// test/transport/loopback-posted.test.ts: sendInto/receiveInto on the loopback: messages meet
// posted receives in order per (source, tag) whichever comes first, land in the caller's
// memory, never reach a subscriber of the same tag, fail when too long, and pending receives
// end with ClosedError at close.

import { expect } from 'chai';
import { ClosedError } from 'graft';
import { createLoopbackCluster, MessageTruncatedError } from 'graft/transport';
import type { Transport } from 'graft/transport';

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('Transport#sendInto() / receiveInto() (loopback)', () => {
  it('matches messages and posted receives in order, whichever comes first', async () => {
    const [a, b] = createLoopbackCluster(2) as [Transport, Transport];
    const subscribed: Uint8Array[] = [];
    b.subscribe(7, (_source, bytes) => subscribed.push(bytes));
    await a.sendInto(1, 7, new Uint8Array([1, 2, 3]));
    await a.sendInto(1, 7, new Uint8Array([4, 5]));
    await settle();
    const first = new Uint8Array(8).fill(9);
    const got = await b.receiveInto(0, 7, first);
    expect([...got]).to.deep.equal([1, 2, 3]);
    expect(got.buffer).to.equal(first.buffer);
    expect(first[3]).to.equal(9);
    expect([...(await b.receiveInto(0, 7, new Uint8Array(8)))]).to.deep.equal([4, 5]);
    // Posted before the message comes.
    const later = b.receiveInto(0, 7, new Uint8Array(4));
    await a.sendInto(1, 7, new Uint8Array([6]));
    expect([...(await later)]).to.deep.equal([6]);
    expect(subscribed).to.deep.equal([]); // a channel of its own
  });

  it('refuses a message longer than the memory posted for it', async () => {
    const [a, b] = createLoopbackCluster(2) as [Transport, Transport];
    const small = b.receiveInto(0, 1, new Uint8Array(2));
    await a.sendInto(1, 1, new Uint8Array(3));
    const err = await small.catch((e: unknown) => e);
    expect(err).to.be.instanceOf(MessageTruncatedError).with.property('code', 'ERR_MESSAGE_TRUNCATED');
  });

  it('ends receives still posted at close with ClosedError', async () => {
    const [, b] = createLoopbackCluster(2) as [Transport, Transport];
    const pending = b.receiveInto(0, 1, new Uint8Array(2));
    await b.close();
    expect(await pending.catch((e: unknown) => e)).to.be.instanceOf(ClosedError);
  });
});
