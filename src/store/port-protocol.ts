// store/port-protocol.ts: what an actor in a worker thread asks its rank's layer store over a
// MessagePort, types only. Requests and replies travel as the runtime's RPC frames; each reply
// type sits under its request's kind. Layers fetched from the rank's own memory travel as views
// of its shared arenas; errors of layers that could not be fetched travel as WireErrors.

import type { RpcProtocol, WireError } from '../runtime/index.js';
import type { LayerRef } from './model-entry.js';
import type { DonorMatch, FetchedLayer, LayerSource, PutModel, PutResult, StoredModel } from './types.js';

export const kStorePortProtocol: RpcProtocol = { name: 'store port', version: 1 };

export type StoreRequest =
  | { kind: 'donor'; layerIds: string[]; exclude: string[] }
  | { kind: 'model'; modelId: string }
  | { kind: 'fetch'; layers: LayerRef[] }
  | { kind: 'put'; model: PutModel }
  /** Ends the pins of fetch `fetchId` (see WireFetchResult). */
  | { kind: 'release'; fetchId: number };

export interface StoreReplies {
  donor: DonorMatch | null;
  model: StoredModel | null;
  fetch: WireFetchResult;
  put: PutResult;
  release: null;
}

/** A FetchResult without its functions; missing layers carry their error as a WireError. */
export interface WireFetchResult {
  /** Names the fetch in 'release'. */
  fetchId: number;
  layers: FetchedLayer[];
  missing: Array<{ layerId: string; home: string; reason: string; error: WireError }>;
  bytes: number;
  seconds: number;
  bytesBySource: Record<LayerSource, number>;
  source: LayerSource | 'none';
}
