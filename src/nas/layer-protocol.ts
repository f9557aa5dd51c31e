// nas/layer-protocol.ts: the wire between a training actor (a worker thread) and its rank's
// layer store, which lives on the rank's main thread beside the transport. Requests go on one
// BroadcastChannel per process; each actor gets replies on a channel of its own. Types only.

import type { DonorMatch } from '../store/gossip-index.js';
import type { LayerRecord } from '../store/layer-record.js';
import type { LayerRef } from '../store/model-entry.js';
import type { FetchSource } from './evaluation-record.js';

export const kLayerProtocolVersion = 1;
export const kRequestChannel = 'graft.nas.layers';
export const replyChannelOf = (client: string): string => `graft.nas.layers.${client}`;

/** A fetched layer, copied out of shared memory so the store can unpin it at once. */
export interface FetchedCopy extends LayerRecord {
  /** The model whose owner stores the bytes; kept so a frozen layer can be referenced. */
  home: string;
}

export interface FetchReply {
  layers: FetchedCopy[];
  /** Layers that could not be had (to train from scratch). */
  missing: number;
  bytes: number;
  seconds: number;
  source: FetchSource;
}

export interface PutRequest {
  modelId: string;
  score: number;
  /** In topological order: trained layers as records, donor layers reused unchanged as refs. */
  layers: Array<LayerRecord | LayerRef>;
}

export type LayerRequest =
  | { kind: 'donor'; v: number; id: number; client: string; layerIds: string[] }
  | { kind: 'fetch'; v: number; id: number; client: string; refs: LayerRef[] }
  | { kind: 'put'; v: number; id: number; client: string; model: PutRequest };

export interface LayerReplies {
  donor: DonorMatch | null;
  fetch: FetchReply;
  /** False when the model was already stored (by an earlier try of the same candidate). */
  put: boolean;
}

export type LayerReply =
  | { kind: 'reply'; id: number; ok: true; value: unknown }
  | { kind: 'reply'; id: number; ok: false; error: { name: string; code: string; message: string } };
