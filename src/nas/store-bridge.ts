// nas/store-bridge.ts: how a training actor reaches its rank's layer store. The store speaks
// its own port protocol (store/store-service.ts, store/store-client.ts), but an actor thread
// has no port to the main thread of its own: the runtime passes only serialisable arguments.
// So each side gets a stand-in port over BroadcastChannels, which every thread of a process
// can open by name: an actor says hello on a shared channel, then talks to the bridge on a
// request and a reply channel of its own. Shared memory crosses them as shared memory, so
// layers fetched from this rank's arenas still reach the actor without a copy.

import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { BroadcastChannel, type MessagePort } from 'node:worker_threads';
import { StoreClient, serveStore, type LayerStore } from '../store/index.js';

const kHelloChannel = 'graft.nas.store';
/** An actor repeats its hello until welcomed, in case it started before its rank's bridge. */
const kHelloEveryMs = 250;
/** Past this without a welcome there is no bridge: the client closes and candidates train without transfer. */
const kWelcomeWithinMs = 30_000;
const requestChannelOf = (client: string): string => `graft.nas.store.${client}.requests`;
const replyChannelOf = (client: string): string => `graft.nas.store.${client}.replies`;

/** The one message on the shared channel: an actor asking to be served. */
interface Hello {
  kind: 'hello';
  client: string;
}

/** The bridge's first message on a client's reply channel: its request channel is open. */
interface Welcome {
  kind: 'graft.nas.store.welcome';
}

/** The port-shaped surface serveStore and StoreClient use, over BroadcastChannels. */
class ChannelPort extends EventEmitter {
  readonly #send: (msg: unknown) => void;
  readonly #close: () => void;
  #closed = false;

  constructor(send: (msg: unknown) => void, close: () => void) {
    super();
    this.#send = send;
    this.#close = close;
  }

  /** Transfer lists do not apply to BroadcastChannels: plain buffers are copied instead. */
  postMessage(msg: unknown): void {
    if (!this.#closed) this.#send(msg);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#close();
    this.emit('close');
  }
}

function unref(channel: BroadcastChannel): BroadcastChannel {
  // A channel must not keep a process or thread alive on its own.
  (channel as unknown as { unref(): void }).unref();
  return channel;
}

/**
 * The main thread's side: serves every actor of this rank that says hello. Each actor gets a
 * request and a reply channel of its own, so layer bytes are cloned for the one receiver
 * only, not for every thread that listens on a shared name.
 */
export class StoreBridge {
  readonly #hello = unref(new BroadcastChannel(kHelloChannel));
  readonly #ports = new Map<string, ChannelPort>();

  constructor(store: LayerStore) {
    this.#hello.onmessage = (event) => {
      const hello = (event as MessageEvent).data as Hello;
      if (hello?.kind !== 'hello' || typeof hello.client !== 'string' || this.#ports.has(hello.client)) return;
      const requests = unref(new BroadcastChannel(requestChannelOf(hello.client)));
      const replies = unref(new BroadcastChannel(replyChannelOf(hello.client)));
      const port = new ChannelPort(
        (m) => replies.postMessage(m),
        () => {
          requests.close();
          replies.close();
        },
      );
      requests.onmessage = (e) => port.emit('message', (e as MessageEvent).data);
      this.#ports.set(hello.client, port);
      serveStore(store, port as unknown as MessagePort);
      replies.postMessage({ kind: 'graft.nas.store.welcome' } satisfies Welcome);
    };
  }

  /** Stops serving; fetches an actor did not release are released. */
  close(): void {
    this.#hello.close();
    for (const port of this.#ports.values()) port.close();
    this.#ports.clear();
  }
}

/**
 * The actor's side: a StoreClient talking to its rank's StoreBridge. Requests made before the
 * bridge has answered the hello wait, since a BroadcastChannel message reaches only channels
 * already open.
 */
export function connectStore(): StoreClient {
  const client = randomUUID();
  const hello = unref(new BroadcastChannel(kHelloChannel));
  const requests = unref(new BroadcastChannel(requestChannelOf(client)));
  const replies = unref(new BroadcastChannel(replyChannelOf(client)));
  let waiting: unknown[] | null = [];
  const port = new ChannelPort(
    (msg) => (waiting ? waiting.push(msg) : requests.postMessage(msg)),
    () => {
      clearInterval(again);
      hello.close();
      requests.close();
      replies.close();
    },
  );
  replies.onmessage = (event) => {
    const msg = (event as MessageEvent).data as Welcome | unknown;
    if ((msg as Welcome)?.kind === 'graft.nas.store.welcome') {
      const queued = waiting ?? [];
      waiting = null;
      clearInterval(again);
      hello.close();
      for (const m of queued) requests.postMessage(m);
      return;
    }
    port.emit('message', msg);
  };
  const sayHello = (): void => {
    if (Date.now() - since > kWelcomeWithinMs) port.close();
    else hello.postMessage({ kind: 'hello', client } satisfies Hello);
  };
  const since = Date.now();
  const again = setInterval(sayHello, kHelloEveryMs);
  again.unref();
  sayHello();
  return new StoreClient(port as unknown as MessagePort);
}
