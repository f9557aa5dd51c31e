// store/types.ts: the values the layer store hands out and takes in (donor matches, stored
// models, puts, fetches), types only. The store's modules, its port protocol and its client all
// speak them; nothing here knows how they are computed.

import type { LayerRecord } from './layer-record.js';
import type { LayerRef } from './model-entry.js';

/** The answer to a donor query. */
export interface DonorMatch {
  modelId: string;
  owner: number;
  score: number;
  createdAt: number;
  /** How many leading layers of the candidate the donor shares. */
  matched: number;
  /** The donor's first `matched` layers, each with where this rank believes its bytes are. */
  layers: LayerRef[];
}

/** One live stored model with every one of its layers (for donor rules that look past the prefix). */
export interface StoredModel {
  modelId: string;
  owner: number;
  score: number;
  createdAt: number;
  layers: LayerRef[];
}

export interface PutModel {
  modelId: string;
  /** Higher is better. */
  score: number;
  /** Every layer in topological order: a LayerRecord for a layer trained here, a LayerRef (as
   * a donor query or fetch gave it) for a donor's layer reused unchanged. */
  layers: Array<LayerRecord | LayerRef>;
  /** Milliseconds since the epoch; now by default. */
  createdAt?: number;
}

export interface PutResult {
  modelId: string;
  layersStored: number;
  layersReferenced: number;
  bytesStored: number;
  /** Bytes not stored again because the layers are a donor's. */
  bytesSaved: number;
}

export type LayerSource = 'local' | 'peer' | 'spill';

export interface FetchedLayer extends LayerRecord {
  home: string;
  source: LayerSource;
}

export interface MissingLayer {
  layerId: string;
  home: string;
  /** The code of the last error met (e.g. ERR_CHECKSUM_MISMATCH, ERR_LAYER_UNAVAILABLE). */
  reason: string;
  /** A store error (GraftError) as thrown; rebuilt by class on the far side of a port. */
  error: Error;
}

export interface FetchResult {
  /** The layers obtained, in the order asked, each verified. */
  layers: FetchedLayer[];
  /** The layers that could not be had; train these from scratch. */
  missing: MissingLayer[];
  bytes: number;
  seconds: number;
  bytesBySource: Record<LayerSource, number>;
  /** Where most of the bytes came from; 'none' when nothing came. */
  source: LayerSource | 'none';
  /** Ends the use of 'local' layers: until then their shared memory stays put (pinned). */
  release(): void;
}
