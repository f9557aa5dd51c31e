// test/transport/bad-input.test.ts: bad arguments are refused at the door with typed errors
// and stable codes, and the transport keeps working afterwards (loopback; the MPI transport
// runs the same checks, see mpi-bad-input.test.ts).

import { expect } from 'chai';
import { ClosedError, InvalidArgumentError } from 'graft';
import { createLoopbackCluster, InvalidPayloadError, InvalidTagError, RankOutOfRangeError } from 'graft/transport';

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(() => undefined, (err: unknown) => err);
}

describe('Transport argument checks (loopback)', () => {
  it('rejects bad sends with typed errors and still sends afterwards', async () => {
    const [a, b] = createLoopbackCluster(2);
    const got: number[] = [];
    b!.subscribe(1, (_s, bytes) => got.push(bytes[0]!));
    expect(await rejection(a!.send(2, 1, new Uint8Array(1)))).to.be.instanceOf(RankOutOfRangeError).with.property('code', 'ERR_RANK_OUT_OF_RANGE');
    expect(await rejection(a!.send(-1, 1, new Uint8Array(1)))).to.be.instanceOf(RankOutOfRangeError);
    expect(await rejection(a!.send(1.5, 1, new Uint8Array(1)))).to.be.instanceOf(InvalidArgumentError);
    expect(await rejection(a!.send(1, -1, new Uint8Array(1)))).to.be.instanceOf(InvalidTagError).with.property('code', 'ERR_INVALID_TAG');
    expect(await rejection(a!.send(1, 40_000, new Uint8Array(1)))).to.be.instanceOf(InvalidTagError);
    for (const payload of ['text', [1, 2], 7, null, { length: 1 }]) {
      const err = await rejection(a!.send(1, 1, payload as unknown as Uint8Array));
      expect(err).to.be.instanceOf(InvalidPayloadError).with.property('code', 'ERR_INVALID_PAYLOAD');
    }
    await a!.send(1, 1, new Uint8Array([77]));
    await new Promise((resolve) => setImmediate(resolve));
    expect(got).to.deep.equal([77]);
  });

  it('rejects a broadcast from a root out of range and a negative get offset', async () => {
    const [a] = createLoopbackCluster(2);
    expect(await rejection(a!.broadcast(5, new Uint8Array(1)))).to.be.instanceOf(RankOutOfRangeError);
    const region = a!.expose(new Uint8Array(4));
    expect(await rejection(a!.get(region.ref, -1, 1))).to.be.instanceOf(InvalidArgumentError);
    expect(() => a!.subscribe(-3, () => {})).to.throw(InvalidTagError);
  });

  it('refuses every use after close with ClosedError', async () => {
    const [a] = createLoopbackCluster(1);
    await a!.close();
    expect(await rejection(a!.send(0, 1, new Uint8Array(1)))).to.be.instanceOf(ClosedError).with.property('code', 'ERR_CLOSED');
    expect(await rejection(a!.barrier())).to.be.instanceOf(ClosedError);
    expect(await rejection(a!.allgather(new Uint8Array(1)))).to.be.instanceOf(ClosedError);
    expect(() => a!.subscribe(1, () => {})).to.throw(ClosedError);
    expect(() => a!.expose(new Uint8Array(1))).to.throw(ClosedError);
    await a!.close(); // closing twice is harmless
  });
});
