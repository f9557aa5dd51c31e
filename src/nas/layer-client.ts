// nas/layer-client.ts: a training actor's side of the layer-store wire: typed requests to its
// rank's LayerService, each answered exactly once (reply, error, or a timeout when the main
// thread does not answer). Runs inside worker threads.

import { randomUUID } from 'node:crypto';
import { BroadcastChannel } from 'node:worker_threads';
import { GraftError, TimeoutError } from '../errors.js';
import type { DonorMatch } from '../store/gossip-index.js';
import type { LayerRef } from '../store/model-entry.js';
import {
  kLayerProtocolVersion,
  kRequestChannel,
  replyChannelOf,
  type FetchReply,
  type LayerReply,
  type LayerRequest,
  type PutRequest,
} from './layer-protocol.js';

/** An error the layer service sent back, with its original name and code. */
export class RemoteLayerError extends GraftError {
  override readonly code: string;
  constructor(error: { name: string; code: string; message: string }) {
    super(`${error.name}: ${error.message}`, { details: { remoteName: error.name } });
    this.code = error.code;
  }
}

interface Waiter {
  resolve(value: unknown): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

export class LayerClient {
  readonly #client = randomUUID();
  readonly #requests = new BroadcastChannel(kRequestChannel);
  readonly #replies = new BroadcastChannel(replyChannelOf(this.#client));
  readonly #pending = new Map<number, Waiter>();
  readonly #timeoutMs: number;
  #nextId = 1;

  constructor(timeoutMs = 120_000) {
    this.#timeoutMs = timeoutMs;
    this.#replies.onmessage = (event) => this.#settle((event as MessageEvent).data as LayerReply);
    (this.#requests as unknown as { unref(): void }).unref();
    (this.#replies as unknown as { unref(): void }).unref();
  }

  donor(layerIds: string[]): Promise<DonorMatch | null> {
    return this.#request({ kind: 'donor', layerIds }) as Promise<DonorMatch | null>;
  }

  fetch(refs: LayerRef[]): Promise<FetchReply> {
    return this.#request({ kind: 'fetch', refs }) as Promise<FetchReply>;
  }

  put(model: PutRequest): Promise<boolean> {
    return this.#request({ kind: 'put', model }) as Promise<boolean>;
  }

  close(): void {
    for (const w of this.#pending.values()) {
      clearTimeout(w.timer);
      w.reject(new GraftError('the layer client closed'));
    }
    this.#pending.clear();
    this.#requests.close();
    this.#replies.close();
  }

  #request(body: { kind: 'donor'; layerIds: string[] } | { kind: 'fetch'; refs: LayerRef[] } | { kind: 'put'; model: PutRequest }): Promise<unknown> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new TimeoutError(`the layer store did not answer a '${body.kind}' within ${this.#timeoutMs} ms`, { details: { kind: body.kind } }));
      }, this.#timeoutMs);
      this.#pending.set(id, { resolve, reject, timer });
      this.#requests.postMessage({ ...body, v: kLayerProtocolVersion, id, client: this.#client } as LayerRequest);
    });
  }

  #settle(reply: LayerReply): void {
    const w = this.#pending.get(reply.id);
    if (!w) return;
    this.#pending.delete(reply.id);
    clearTimeout(w.timer);
    if (reply.ok) w.resolve(reply.value);
    else w.reject(new RemoteLayerError(reply.error));
  }
}
