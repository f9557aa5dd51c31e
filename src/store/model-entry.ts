// store/model-entry.ts: what the gossip index says about one stored model: its layer ids in
// topological order and, per layer, which model's owner keeps the bytes and where. Pure data
// (msgpack-serialisable); written only by the owner rank, copied to every rank by gossip.

import type { RegionRef } from '../transport/transport.js';
import type { TensorDType } from './layer-record.js';

/** One tensor inside a stored layer blob: the blob is the layer's tensors back to back. */
export interface TensorMeta {
  name: string;
  shape: number[];
  dtype: TensorDType;
  /** Byte offset of the tensor inside its layer blob (a multiple of 8). */
  offset: number;
  byteLength: number;
  /** CRC-32C of the tensor's bytes. */
  checksum: number;
}

/** Where the owner keeps a layer blob in memory: an exposed arena and an offset in it. */
export interface MemoryLocation {
  region: RegionRef;
  offset: number;
}

/** One layer of a model entry. */
export interface LayerInfo {
  layerId: string;
  /** The model whose owner stores the bytes: this entry's own id, or a donor's for a layer it
   * took over unchanged (incremental storage). */
  home: string;
  /** The owner rank of `home`. */
  rank: number;
  /** Size of the layer blob (tensors and alignment padding). */
  byteLength: number;
  tensors: TensorMeta[];
  /** Set only on the home entry: the arena location, or null while the blob lives in its spill
   * file. Other entries resolve the location through the home entry. */
  memory?: MemoryLocation | null;
}

export type ModelStatus = 'live' | 'dropped';

export interface ModelEntry {
  modelId: string;
  owner: number;
  /** Higher is better (accuracy, R²). */
  score: number;
  /** Milliseconds since the epoch, when the owner stored the model. */
  createdAt: number;
  /** 'dropped': left the population. The entry stays (smaller) while other models still
   * reference some of its layers, and is never offered as a donor. */
  status: ModelStatus;
  layers: LayerInfo[];
}

/** A layer as a donor query hands it out and a fetch takes it in: enough to find, read and
 * verify the bytes. Also what `LayerStore.put` takes for a layer reused from a donor. */
export interface LayerRef {
  layerId: string;
  home: string;
  rank: number;
  byteLength: number;
  tensors: TensorMeta[];
  /** The home entry's memory location as this rank's replica knows it (may be stale or null). */
  memory: MemoryLocation | null;
}

/** The copies of other ranks' layers that one rank keeps in its arenas (fetched earlier), so
 * that others may read them there when the owner is gone. One per rank, written by that rank. */
export interface ReplicaList {
  kind: 'replicas';
  rank: number;
  layers: Array<{ home: string; layerId: string; memory: MemoryLocation }>;
}

/** What the gossip index carries: model entries, and each rank's list of replicas. */
export type IndexValue = ModelEntry | ReplicaList;

/** The gossip key of a rank's replica list; model ids never start with a NUL character. */
export const kReplicaListKey = '\u0000replicas';

export function isReplicaList(value: IndexValue): value is ReplicaList {
  return (value as ReplicaList).kind === 'replicas';
}

/** The key of a stored blob: the home model and the layer id (ids repeat across models whose
 * layers were trained separately, so the id alone does not name the bytes). */
export function blobKey(home: string, layerId: string): string {
  return `${home}\u0000${layerId}`;
}
