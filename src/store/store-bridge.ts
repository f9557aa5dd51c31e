// store/store-bridge.ts: how an actor reaches its rank's layer store. The rank's main
// thread offers the store as a rank service of the runtime; each actor asks its runtime for a
// private MessagePort to that service and speaks the store's own port protocol over it
// (store-service.ts, store-client.ts). Shared memory crosses the port as shared
// memory, so layers fetched from this rank's arenas still reach the actor without a copy.

import type { MessagePort } from 'node:worker_threads';
import type { Runtime } from '../runtime/index.js';
import type { LayerStore } from './layer-store.js';
import { StoreClient } from './store-client.js';
import { serveStore } from './store-service.js';

/** The rank service name under which a rank's main thread serves its layer store. */
export const kStoreService = 'graft.store';

/** The main thread's side: serves the store to every actor of this rank that connects. */
export class StoreBridge {
  readonly #withdraw: () => void;
  readonly #ports = new Set<MessagePort>();

  constructor(runtime: Runtime, store: LayerStore) {
    this.#withdraw = runtime.provideRankService(kStoreService, (port) => {
      this.#ports.add(port);
      port.once('close', () => this.#ports.delete(port));
      serveStore(store, port);
    });
  }

  /** Stops serving; fetches an actor did not release are released as their ports close. */
  close(): void {
    this.#withdraw();
    for (const port of this.#ports) port.close();
    this.#ports.clear();
  }
}

/** The actor's side: a StoreClient on a private port to its rank's StoreBridge. */
export async function connectStore(runtime: Runtime): Promise<StoreClient> {
  return new StoreClient(await runtime.connectRankService(kStoreService));
}
