// store/store-service.ts: serves a rank's LayerStore to its actors in worker threads over a
// MessagePort. Layers fetched from this rank's memory travel as views of the shared arenas
// (nothing copied; pinned until the worker releases them); layers read from peers or spill
// files travel by transferring their buffers. Knows the port protocol, not what actors do.

import type { MessagePort } from 'node:worker_threads';
import { log } from '../util/log.js';
import type { FetchResult } from './fetch.js';
import type { LayerStore } from './layer-store.js';
import type { StoreReply, StoreRequest } from './protocol.js';
import { toWireError } from './wire-error.js';

/** Answers `port`'s requests until the returned function is called or the port closes; then
 * every fetch the worker did not release is released. */
export function serveStore(store: LayerStore, port: MessagePort): () => void {
  const held = new Map<number, FetchResult>();
  const reply = (msg: StoreReply, transfer: ArrayBuffer[] = []): void => port.postMessage(msg, transfer);

  const onMessage = (req: StoreRequest): void => {
    void handle(req).catch((err: unknown) => reply({ kind: 'error', id: req.id, error: toWireError(err) }));
  };
  const handle = async (req: StoreRequest): Promise<void> => {
    switch (req.kind) {
      case 'donor':
        reply({ kind: 'donor', id: req.id, match: store.index.donor(req.layerIds, req.exclude) });
        return;
      case 'model':
        reply({ kind: 'model', id: req.id, model: store.index.model(req.modelId) });
        return;
      case 'put':
        reply({ kind: 'put', id: req.id, result: await store.put(req.model) });
        return;
      case 'fetch': {
        const result = await store.fetch(req.layers);
        // Same-rank layers stay pinned as views, and peer layers in the replica slots they landed
        // in, until the worker releases the fetch: hold every fetch that got anything.
        if (result.layers.length > 0) held.set(req.id, result);
        const { layers, bytes, seconds, bytesBySource, source } = result;
        const missing = result.missing.map((m) => ({ layerId: m.layerId, home: m.home, reason: m.reason, error: toWireError(m.error) }));
        reply({ kind: 'fetched', id: req.id, result: { layers, missing, bytes, seconds, bytesBySource, source } }, transferables(result));
        return;
      }
      case 'release':
        held.get(req.fetchId)?.release();
        held.delete(req.fetchId);
        reply({ kind: 'released', id: req.id });
        return;
      default:
        log('warn', 'store.service.unknown_request', { kind: (req as { kind: unknown }).kind });
    }
  };
  const stop = (): void => {
    port.off('message', onMessage);
    port.off('close', stop);
    for (const r of held.values()) r.release();
    held.clear();
  };
  port.on('message', onMessage);
  port.on('close', stop);
  return stop;
}

/** Buffers of layers read from peers or files, each once; shared arenas are never moved. */
function transferables(result: FetchResult): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const l of result.layers) {
    if (l.source === 'local') continue;
    for (const t of l.tensors) if (t.bytes.buffer instanceof ArrayBuffer) out.add(t.bytes.buffer);
  }
  return [...out];
}
