// store/store-client.ts: the layer store as an actor in a worker thread sees it: donor query,
// fetch and put, each a promise answered by the rank's main thread over a MessagePort (see
// store-service.ts). Every request ends exactly once: with its reply, its error rebuilt with
// the same class and code, or a ClosedError when the client or the port closes.

import type { MessagePort } from 'node:worker_threads';
import { ClosedError, type GraftError } from '../errors.js';
import { log } from '../util/log.js';
import type { FetchResult } from './fetch.js';
import type { DonorMatch, StoredModel } from './gossip-index.js';
import type { PutModel, PutResult } from './layer-store.js';
import type { LayerRef } from './model-entry.js';
import type { StoreReply, StoreRequest } from './protocol.js';
import { fromWireError } from './wire-error.js';

type Pending = { resolve: (reply: StoreReply) => void; reject: (err: GraftError) => void };

export class StoreClient {
  readonly #port: MessagePort;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #closed = false;

  constructor(port: MessagePort) {
    this.#port = port;
    port.on('message', (reply: StoreReply) => this.#onReply(reply));
    port.on('close', () => this.#failAll(new ClosedError('the store port closed')));
  }

  /** The stored model sharing the longest prefix of `layerIds`, never one in `exclude`. */
  async donor(layerIds: string[], exclude: string[] = []): Promise<DonorMatch | null> {
    const reply = await this.#request({ kind: 'donor', layerIds, exclude });
    return (reply as Extract<StoreReply, { kind: 'donor' }>).match;
  }

  /** A live stored model with all its layers, or null. */
  async model(modelId: string): Promise<StoredModel | null> {
    const reply = await this.#request({ kind: 'model', modelId });
    return (reply as Extract<StoreReply, { kind: 'model' }>).model;
  }

  async put(model: PutModel): Promise<PutResult> {
    const reply = await this.#request({ kind: 'put', model });
    return (reply as Extract<StoreReply, { kind: 'put' }>).result;
  }

  /** As LayerStore#fetch; 'local' layers are views of the rank's shared memory, and peer layers hold their replica slots, until release(). */
  async fetch(layers: LayerRef[]): Promise<FetchResult> {
    const reply = (await this.#request({ kind: 'fetch', layers })) as Extract<StoreReply, { kind: 'fetched' }>;
    const r = reply.result;
    let released = false;
    return {
      ...r,
      missing: r.missing.map((m) => ({ ...m, error: fromWireError(m.error, 'store main thread') })),
      release: () => {
        if (released || this.#closed || r.layers.length === 0) return;
        released = true;
        this.#request({ kind: 'release', fetchId: reply.id }).catch((err: unknown) => log('warn', 'store.client.release_failed', { err }));
      },
    };
  }

  /** Fails every pending request with a ClosedError and closes the port. */
  close(): void {
    if (this.#closed) return;
    this.#failAll(new ClosedError('the store client is closed'));
    this.#port.close();
  }

  #request(req: { kind: StoreRequest['kind'] } & Record<string, unknown>): Promise<StoreReply> {
    if (this.#closed) return Promise.reject(new ClosedError('the store client is closed'));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#port.postMessage({ ...req, id } as StoreRequest);
    });
  }

  #onReply(reply: StoreReply): void {
    const pending = this.#pending.get(reply.id);
    if (!pending) {
      log('warn', 'store.client.unknown_reply', { id: reply.id, kind: reply.kind });
      return;
    }
    this.#pending.delete(reply.id);
    if (reply.kind === 'error') pending.reject(fromWireError(reply.error, 'store main thread'));
    else pending.resolve(reply);
  }

  #failAll(err: ClosedError): void {
    this.#closed = true;
    for (const p of this.#pending.values()) p.reject(err);
    this.#pending.clear();
  }
}
