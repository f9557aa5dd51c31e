// nas/layer-service.ts: serves the training actors of this rank their layer-store requests
// (donor query, fetch, put) on the rank's main thread, where the store and the transport
// live. Fetched bytes are copied out of the store's shared memory and the pins released at
// once, so an actor that dies never keeps memory pinned. Knows the store's API, not tfjs.

import { BroadcastChannel } from 'node:worker_threads';
import type { LayerStore } from '../store/layer-store.js';
import { log } from '../util/log.js';
import {
  kLayerProtocolVersion,
  kRequestChannel,
  replyChannelOf,
  type FetchReply,
  type LayerReplies,
  type LayerReply,
  type LayerRequest,
} from './layer-protocol.js';

export class LayerService {
  readonly #store: LayerStore;
  readonly #requests: BroadcastChannel;
  readonly #replies = new Map<string, BroadcastChannel>();
  #closed = false;

  constructor(store: LayerStore) {
    this.#store = store;
    this.#requests = new BroadcastChannel(kRequestChannel);
    this.#requests.onmessage = (event) => void this.#serve((event as MessageEvent).data as LayerRequest);
    // The channel must not keep the process alive on its own; the search decides when to end.
    (this.#requests as unknown as { unref(): void }).unref();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#requests.close();
    for (const c of this.#replies.values()) c.close();
    this.#replies.clear();
  }

  async #serve(req: LayerRequest): Promise<void> {
    if (this.#closed || typeof req !== 'object' || req === null || !('client' in req)) return;
    let reply: LayerReply;
    try {
      if (req.v !== kLayerProtocolVersion) throw new Error(`layer protocol version ${req.v}, this rank speaks ${kLayerProtocolVersion}`);
      reply = { kind: 'reply', id: req.id, ok: true, value: await this.#handle(req) };
    } catch (err) {
      const e = err as { name?: string; code?: string; message?: string };
      log('warn', 'nas.layers.error', { kind: req.kind, client: req.client, error: err });
      reply = { kind: 'reply', id: req.id, ok: false, error: { name: e.name ?? 'Error', code: e.code ?? 'ERR_UNKNOWN', message: e.message ?? String(err) } };
    }
    if (this.#closed) return;
    let channel = this.#replies.get(req.client);
    if (!channel) {
      channel = new BroadcastChannel(replyChannelOf(req.client));
      (channel as unknown as { unref(): void }).unref();
      this.#replies.set(req.client, channel);
    }
    channel.postMessage(reply);
  }

  async #handle(req: LayerRequest): Promise<LayerReplies[LayerRequest['kind']]> {
    switch (req.kind) {
      case 'donor':
        return this.#store.index.donor(req.layerIds);
      case 'fetch': {
        const result = await this.#store.fetch(req.refs);
        try {
          const reply: FetchReply = {
            layers: result.layers.map((l) => ({
              layerId: l.layerId,
              home: l.home,
              tensors: l.tensors.map((t) => ({ ...t, bytes: t.bytes.slice() })),
            })),
            missing: result.missing.length,
            bytes: result.bytes,
            seconds: result.seconds,
            source: result.source,
          };
          return reply;
        } finally {
          result.release();
        }
      }
      case 'put':
        if (this.#store.index.entry(req.model.modelId)) return false;
        await this.#store.put(req.model);
        return true;
    }
  }
}
