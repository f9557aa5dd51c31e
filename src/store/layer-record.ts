// store/layer-record.ts: the unit that training extracts and the store keeps: a layer's
// tensors as raw bytes with name, shape, dtype and checksum beside them. Shared by train/
// (which produces and loads them) and store/ (which keeps, indexes and moves them).

import { crc32cOf } from '../util/checksum.js';

export type TensorDType = 'float32' | 'int32' | 'bool';

export interface TensorRecord {
  /** The weight's name inside its layer (e.g. 'kernel', 'bias'). */
  name: string;
  shape: number[];
  dtype: TensorDType;
  bytes: Uint8Array;
  /** CRC-32C of `bytes`; nothing whose checksum fails is ever loaded into a model. */
  checksum: number;
}

export interface LayerRecord {
  /** Stable layer id: hash of the layer's config and its inputs' ids. */
  layerId: string;
  tensors: TensorRecord[];
}

/** A tensor's checksum: CRC-32C of its bytes. */
export function checksumOf(bytes: Uint8Array): number {
  return crc32cOf(bytes);
}

export function layerByteLength(layer: LayerRecord): number {
  let total = 0;
  for (const t of layer.tensors) total += t.bytes.byteLength;
  return total;
}
