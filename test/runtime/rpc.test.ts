// The one request/reply engine: typed requests answered over a port or between ranks; every
// request ends exactly once (answered, rejected, timed out or closed); an unknown kind, a
// throwing handler and an unsendable result are answered with errors, never with silence; a
// version mismatch is refused; remote errors keep their class, cause chain and rank.

import { expect } from 'chai';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { ClosedError, InvalidArgumentError, TimeoutError } from 'graft';
import { errorOrigin, portEndpoint, ProtocolError, Rpc, transportEndpoint, withTransfer, type RpcEndpoint, type RpcHandlers } from 'graft/runtime';
import { createLoopbackCluster, type Transport } from 'graft/transport';
import { rejection } from '../helpers/rejection.js';

type Req = { kind: 'add'; a: number; b: number } | { kind: 'wait' } | { kind: 'fail' } | { kind: 'port' } | { kind: 'fn' };
interface Rep {
  add: number;
  wait: string;
  fail: null;
  port: { port: MessagePort };
  fn: unknown;
}

const protocol = { name: 'test rpc', version: 3 };

/** A port endpoint that also reports each reply frame it receives, so a test can wait for one. */
function watched(port: MessagePort): { endpoint: RpcEndpoint<void>; nextReply: () => Promise<number> } {
  const inner = portEndpoint(port);
  let waiter: ((id: number) => void) | undefined;
  return {
    endpoint: {
      send: inner.send,
      listen: (receive, closed) =>
        inner.listen((peer, frame) => {
          receive(peer, frame);
          if (frame.kind === 'reply') waiter?.(frame.id);
        }, closed),
    },
    nextReply: () => new Promise((resolve) => (waiter = resolve)),
  };
}

describe('runtime: rpc', () => {
  const open: Array<{ close(): void }> = [];
  afterEach(() => {
    for (const thing of open.splice(0)) thing.close();
  });

  function pair(handlers: Partial<RpcHandlers<Req, Rep>>, serverVersion = protocol.version) {
    const { port1, port2 } = new MessageChannel();
    open.push(port1, port2);
    const server = new Rpc<Req, Rep>(portEndpoint(port1), { protocol: { ...protocol, version: serverVersion }, handlers: handlers as RpcHandlers<Req, Rep>, origin: { rank: 7, host: 'here' } });
    const watch = watched(port2);
    const client = new Rpc<Req, Rep>(watch.endpoint, { protocol });
    open.push(server, client);
    return { server, client, nextReply: watch.nextReply };
  }

  it('answers a typed request over a port, moving what the handler marks for transfer', async () => {
    const { port1: kept } = new MessageChannel();
    open.push(kept);
    const { client } = pair({
      add: ({ a, b }) => a + b,
      port: () => {
        const { port1, port2 } = new MessageChannel();
        open.push(port1);
        return withTransfer({ port: port2 }, [port2]);
      },
    });
    expect(await client.request(undefined, { kind: 'add', a: 2, b: 3 })).to.equal(5);
    const { port } = await client.request(undefined, { kind: 'port' });
    open.push(port);
    expect(port.constructor.name).to.equal('MessagePort');
    expect(client.pending).to.equal(0);
  });

  it('answers a request of a kind it does not serve with a ProtocolError', async () => {
    const { client } = pair({ add: ({ a, b }) => a + b });
    const err = await rejection(client.request(undefined, { kind: 'nonsense' } as unknown as Req));
    expect(err).to.be.instanceOf(ProtocolError);
    expect((err as ProtocolError).code).to.equal('ERR_RUNTIME_PROTOCOL');
    expect((err as ProtocolError).details).to.include({ kind: 'nonsense', protocol: 'test rpc' });
    // A side that serves nothing refuses too.
    const err2 = await rejection(pair({}).client.request(undefined, { kind: 'add', a: 1, b: 1 }));
    expect(err2).to.be.instanceOf(ProtocolError);
  });

  it('answers a result that cannot be sent with the error that stopped it', async () => {
    const { client } = pair({ fn: () => () => 1 });
    const err = await rejection(client.request(undefined, { kind: 'fn' }));
    expect(err.name).to.equal('DataCloneError');
    expect(client.pending).to.equal(0);
  });

  it('rejects with a TimeoutError past the deadline and drops the late reply', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const { client, nextReply } = pair({ wait: async () => (await held, 'late') });
    const err = await rejection(client.request(undefined, { kind: 'wait' }, { timeoutMs: 20 }));
    expect(err).to.be.instanceOf(TimeoutError);
    expect((err as TimeoutError).details).to.include({ kind: 'wait', timeoutMs: 20 });
    expect(client.pending).to.equal(0);
    const late = nextReply();
    release();
    expect(await late).to.equal(1);
    expect(client.pending).to.equal(0);
    // The Rpc still works after dropping the late reply.
    expect(await (pair({ add: ({ a, b }) => a * b }).client.request(undefined, { kind: 'add', a: 4, b: 5 }))).to.equal(20);
  });

  it('refuses a request in another protocol version, naming both versions', async () => {
    let served = 0;
    const { client } = pair({ add: ({ a, b }) => (served++, a + b) }, protocol.version + 1);
    const err = await rejection(client.request(undefined, { kind: 'add', a: 1, b: 2 }));
    expect(err).to.be.instanceOf(ProtocolError);
    expect((err as ProtocolError).details).to.include({ version: protocol.version, peerVersion: protocol.version + 1 });
    expect(served).to.equal(0);
  });

  it('fails requests in flight with the close reason, and refuses new ones', async () => {
    const { client } = pair({ wait: () => new Promise<string>(() => {}) });
    const inFlight = client.request(undefined, { kind: 'wait' });
    const reason = new ClosedError('closing for the test');
    client.close(reason);
    expect(await rejection(inFlight)).to.equal(reason);
    expect(await rejection(client.request(undefined, { kind: 'add', a: 1, b: 1 }))).to.equal(reason);
  });

  it('fails requests in flight when the port closes', async () => {
    const { port1, port2 } = new MessageChannel();
    const client = new Rpc<Req, Rep>(portEndpoint(port2, 'the far end went away'), { protocol });
    const inFlight = client.request(undefined, { kind: 'add', a: 1, b: 1 });
    port1.close();
    const err = await rejection(inFlight);
    expect(err).to.be.instanceOf(ClosedError);
    expect(client.closed).to.equal(true);
  });

  describe('between ranks', () => {
    let ranks: Transport[];
    beforeEach(() => {
      ranks = createLoopbackCluster(2);
    });
    afterEach(async () => {
      await Promise.all(ranks.map((t) => t.close()));
    });

    function rankRpc(t: Transport, handlers: Partial<RpcHandlers<Req, Rep, number>>): Rpc<Req, Rep, number> {
      const rpc = new Rpc<Req, Rep, number>(transportEndpoint(t, 150), { protocol, handlers: handlers as RpcHandlers<Req, Rep, number>, origin: { rank: t.rank, host: 'loopback' } });
      open.push(rpc);
      return rpc;
    }

    it('rebuilds a remote error with its class, its cause chain and the rank it came from', async () => {
      rankRpc(ranks[1]!, {
        fail: () => {
          throw new InvalidArgumentError('outer', { cause: new RangeError('inner', { cause: new Error('innermost') }), details: { option: 'x' } });
        },
      });
      const asker = rankRpc(ranks[0]!, {});
      const err = await rejection(asker.request(1, { kind: 'fail' }));
      expect(err).to.be.instanceOf(InvalidArgumentError);
      expect((err as InvalidArgumentError).code).to.equal('ERR_INVALID_ARGUMENT');
      expect((err as InvalidArgumentError).details).to.include({ option: 'x', rank: 1, host: 'loopback' });
      expect(errorOrigin(err)).to.deep.equal({ rank: 1, host: 'loopback' });
      expect(err.cause).to.be.instanceOf(RangeError);
      expect((err.cause as Error).message).to.equal('inner');
      expect(((err.cause as Error).cause as Error).message).to.equal('innermost');
    });

    it('answers a request to its own rank without the wire, with the same handlers', async () => {
      const self = rankRpc(ranks[0]!, { add: ({ a, b }, peer) => a + b + peer * 100 });
      rankRpc(ranks[1]!, { add: ({ a, b }, peer) => a + b + peer * 100 });
      expect(await self.request(0, { kind: 'add', a: 1, b: 2 })).to.equal(3);
      // Rank 1 sees rank 0 as the asker.
      expect(await self.request(1, { kind: 'add', a: 1, b: 2 })).to.equal(3);
      expect(await rejection(self.request(0, { kind: 'fail' }))).to.be.instanceOf(ProtocolError);
    });
  });
});
