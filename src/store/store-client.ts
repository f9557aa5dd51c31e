// store/store-client.ts: the layer store as an actor in a worker thread sees it: donor query,
// fetch and put, each a promise answered by the rank's main thread over a MessagePort (see
// store-service.ts and port-protocol.ts). Every request ends exactly once: with its reply, its
// error rebuilt with the same class and code, or a ClosedError when the client or the port closes.

import type { MessagePort } from 'node:worker_threads';
import { ClosedError } from '../errors.js';
import { Rpc, fromWireError, portEndpoint } from '../runtime/index.js';
import { log } from '../util/log.js';
import type { LayerRef } from './model-entry.js';
import { kStorePortProtocol, type StoreReplies, type StoreRequest } from './port-protocol.js';
import type { DonorMatch, FetchResult, PutModel, PutResult, StoredModel } from './types.js';

export class StoreClient {
  readonly #port: MessagePort;
  readonly #rpc: Rpc<StoreRequest, StoreReplies>;

  constructor(port: MessagePort) {
    this.#port = port;
    this.#rpc = new Rpc(portEndpoint(port, 'the store port closed'), { protocol: kStorePortProtocol });
  }

  /** The stored model sharing the longest prefix of `layerIds`, never one in `exclude`. */
  donor(layerIds: string[], exclude: string[] = []): Promise<DonorMatch | null> {
    return this.#rpc.request(undefined, { kind: 'donor', layerIds, exclude });
  }

  /** A live stored model with all its layers, or null. */
  model(modelId: string): Promise<StoredModel | null> {
    return this.#rpc.request(undefined, { kind: 'model', modelId });
  }

  put(model: PutModel): Promise<PutResult> {
    return this.#rpc.request(undefined, { kind: 'put', model });
  }

  /** As LayerStore#fetch; 'local' layers are views of the rank's shared memory, and peer layers hold their replica slots, until release(). */
  async fetch(layers: LayerRef[]): Promise<FetchResult> {
    const { fetchId, ...result } = await this.#rpc.request(undefined, { kind: 'fetch', layers });
    let released = false;
    return {
      ...result,
      missing: result.missing.map((m) => ({ ...m, error: fromWireError(m.error) })),
      release: () => {
        if (released || this.#rpc.closed || result.layers.length === 0) return;
        released = true;
        this.#rpc.request(undefined, { kind: 'release', fetchId }).catch((err: unknown) => log('warn', 'store.client.release_failed', { err }));
      },
    };
  }

  /** Fails every pending request with a ClosedError and closes the port. */
  close(): void {
    if (this.#rpc.closed) return;
    this.#rpc.close(new ClosedError('the store client is closed'));
    this.#port.close();
  }
}
