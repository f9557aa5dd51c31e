// store/blob.ts: a layer as one blob of bytes: its tensors back to back, each starting on a
// multiple of 8 (so typed-array views over shared memory line up), with their metadata beside.
// Checks a LayerRecord at the store's door and verifies a blob's checksums on the way out.

import { ChecksumMismatchError, StoreOptionError } from './errors.js';
import { checksumOf, type LayerRecord, type TensorDType, type TensorRecord } from './layer-record.js';
import type { TensorMeta } from './model-entry.js';

const kBytesPerElement: Record<TensorDType, number> = { float32: 4, int32: 4, bool: 1 };

export function layoutOf(tensors: readonly TensorRecord[]): { metas: TensorMeta[]; byteLength: number } {
  let offset = 0;
  const metas = tensors.map((t) => {
    const meta: TensorMeta = { name: t.name, shape: [...t.shape], dtype: t.dtype, offset, byteLength: t.bytes.byteLength, checksum: t.checksum };
    offset = Math.ceil((offset + t.bytes.byteLength) / 8) * 8;
    return meta;
  });
  return { metas, byteLength: offset };
}

/** Copies a layer's tensors into `target` (at least `layoutOf(...).byteLength` long). */
export function writeBlob(target: Uint8Array, tensors: readonly TensorRecord[], metas: readonly TensorMeta[]): void {
  tensors.forEach((t, i) => target.set(t.bytes, metas[i]!.offset));
}

/** Throws unless `layer` is a well-formed record whose bytes match their checksums. */
export function checkLayerRecord(layer: LayerRecord, where: string): void {
  if (typeof layer !== 'object' || layer === null || typeof layer.layerId !== 'string' || layer.layerId === '') {
    throw new StoreOptionError(`${where}: a layer needs a non-empty layerId`, { details: { where } });
  }
  if (!Array.isArray(layer.tensors)) {
    throw new StoreOptionError(`${where}: layer ${layer.layerId} needs a tensors array`, { details: { layerId: layer.layerId } });
  }
  for (const t of layer.tensors) {
    const details = { layerId: layer.layerId, tensor: t?.name };
    const per = kBytesPerElement[t?.dtype];
    if (per === undefined || !(t.bytes instanceof Uint8Array) || !Array.isArray(t.shape) || typeof t.name !== 'string') {
      throw new StoreOptionError(`${where}: tensor '${String(t?.name)}' of layer ${layer.layerId} needs name, shape, dtype (float32|int32|bool) and bytes`, { details });
    }
    const elements = t.shape.reduce((a, b) => a * b, 1);
    if (!t.shape.every((d) => Number.isSafeInteger(d) && d >= 0) || elements * per !== t.bytes.byteLength) {
      throw new StoreOptionError(`${where}: tensor '${t.name}' of layer ${layer.layerId} has ${t.bytes.byteLength} bytes for shape [${t.shape.join(', ')}] ${t.dtype}`, { details });
    }
    if (checksumOf(t.bytes) !== t.checksum) {
      throw new ChecksumMismatchError(`${where}: tensor '${t.name}' of layer ${layer.layerId} does not match its checksum`, { details });
    }
  }
}

/**
 * The blob's tensors as views into `blob`, after checking every checksum. `crcs`, one per
 * tensor, are checksums the read that brought the bytes computed already.
 */
export function verifiedTensors(blob: Uint8Array, metas: readonly TensorMeta[], layerId: string, home: string, crcs?: readonly number[]): TensorRecord[] {
  return metas.map((m, i) => {
    const bytes = blob.subarray(m.offset, m.offset + m.byteLength);
    if (bytes.byteLength !== m.byteLength || (crcs?.[i] ?? checksumOf(bytes)) !== m.checksum) {
      throw new ChecksumMismatchError(`tensor '${m.name}' of layer ${layerId} (model ${home}) fails its checksum`, {
        details: { layerId, home, tensor: m.name },
      });
    }
    return { name: m.name, shape: m.shape, dtype: m.dtype, bytes, checksum: m.checksum };
  });
}
