// nas/store-bridge.ts: how a training actor reaches its rank's layer store. The store speaks
// its own port protocol (store/store-service.ts, store/store-client.ts), but an actor thread
// has no port to the main thread of its own: the runtime passes only serialisable arguments.
// So each side gets a stand-in port over BroadcastChannels, which every thread of a process
// can open by name: requests on one shared channel tagged with the client's id, replies on a
// channel per client. Shared memory crosses them as shared memory, so layers fetched from this
// rank's arenas still reach the actor without a copy.

import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { BroadcastChannel, type MessagePort } from 'node:worker_threads';
import { StoreClient, serveStore, type LayerStore } from '../store/index.js';

const kRequestChannel = 'graft.nas.store';
const replyChannelOf = (client: string): string => `graft.nas.store.${client}`;

/** A request as it travels on the shared channel. */
interface Envelope {
  client: string;
  msg: unknown;
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

/** The main thread's side: serves every actor of this rank that connects. */
export class StoreBridge {
  readonly #requests = unref(new BroadcastChannel(kRequestChannel));
  readonly #ports = new Map<string, ChannelPort>();

  constructor(store: LayerStore) {
    this.#requests.onmessage = (event) => {
      const { client, msg } = (event as MessageEvent).data as Envelope;
      if (typeof client !== 'string') return;
      let port = this.#ports.get(client);
      if (!port) {
        const replies = unref(new BroadcastChannel(replyChannelOf(client)));
        port = new ChannelPort((m) => replies.postMessage(m), () => replies.close());
        this.#ports.set(client, port);
        serveStore(store, port as unknown as MessagePort);
      }
      port.emit('message', msg);
    };
  }

  /** Stops serving; fetches an actor did not release are released. */
  close(): void {
    this.#requests.close();
    for (const port of this.#ports.values()) port.close();
    this.#ports.clear();
  }
}

/** The actor's side: a StoreClient talking to its rank's StoreBridge. */
export function connectStore(): StoreClient {
  const client = randomUUID();
  const requests = unref(new BroadcastChannel(kRequestChannel));
  const replies = unref(new BroadcastChannel(replyChannelOf(client)));
  const port = new ChannelPort(
    (msg) => requests.postMessage({ client, msg } satisfies Envelope),
    () => {
      requests.close();
      replies.close();
    },
  );
  replies.onmessage = (event) => port.emit('message', (event as MessageEvent).data);
  return new StoreClient(port as unknown as MessagePort);
}
