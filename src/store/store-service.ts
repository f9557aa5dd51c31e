// store/store-service.ts: serves a rank's LayerStore to its actors in worker threads over a
// MessagePort, one handler per request of port-protocol.ts. Layers fetched from this rank's
// memory travel as views of the shared arenas (nothing copied; pinned until the worker releases
// them); layers read from peers or spill files travel by transferring their buffers. Knows the
// port protocol, not what actors do.

import { hostname } from 'node:os';
import type { MessagePort } from 'node:worker_threads';
import { Rpc, portEndpoint, toWireError, withTransfer, type RpcHandlers } from '../runtime/index.js';
import type { LayerStore } from './layer-store.js';
import { kStorePortProtocol, type StoreReplies, type StoreRequest } from './port-protocol.js';
import type { FetchResult } from './types.js';

/** Answers `port`'s requests until the returned function is called or the port closes; then
 * every fetch the worker did not release is released. */
export function serveStore(store: LayerStore, port: MessagePort): () => void {
  const held = new Map<number, FetchResult>();
  let nextFetchId = 1;
  const handlers: RpcHandlers<StoreRequest, StoreReplies> = {
    donor: (req) => store.index.donor(req.layerIds, req.exclude),
    model: (req) => store.index.model(req.modelId),
    put: (req) => store.put(req.model),
    fetch: async (req) => {
      const result = await store.fetch(req.layers);
      const fetchId = nextFetchId++;
      // Same-rank layers stay pinned as views, and peer layers in the replica slots they landed
      // in, until the worker releases the fetch: hold every fetch that got anything.
      if (result.layers.length > 0) held.set(fetchId, result);
      const { layers, bytes, seconds, bytesBySource, source } = result;
      const missing = result.missing.map((m) => ({ layerId: m.layerId, home: m.home, reason: m.reason, error: toWireError(m.error) }));
      return withTransfer({ fetchId, layers, missing, bytes, seconds, bytesBySource, source }, transferables(result));
    },
    release: (req) => {
      held.get(req.fetchId)?.release();
      held.delete(req.fetchId);
      return null;
    },
  };
  const rpc = new Rpc(portEndpoint(port, 'the store port closed'), { protocol: kStorePortProtocol, handlers, origin: { rank: store.index.rank, host: hostname() } });
  const stop = (): void => {
    rpc.close();
    port.off('close', stop);
    for (const r of held.values()) r.release();
    held.clear();
  };
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
