// train/weights.ts: weight transfer I/O. Extracts a model's layers as LayerRecords (raw bytes,
// shape, dtype, CRC-32C) and loads donor records into another model by layer id. A record is
// checked whole (names, shapes, dtypes, byte lengths, checksums) before any of it is written,
// so a layer is loaded entirely or not at all.

import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError } from '../errors.js';
// The record format only (a shared contract): store/index.js would load the store's machinery.
import { checksumOf, type LayerRecord, type TensorDType, type TensorRecord } from '../store/layer-record.js';

export type TransferMode = 'finetune' | 'freeze';

export type SkipReason =
  | 'not-in-model'
  | 'tensor-names'
  | 'shape'
  | 'dtype'
  | 'byte-length'
  | 'checksum';

export interface LoadReport {
  /** Ids of the layers whose weights were replaced by the donor's. */
  loaded: string[];
  skipped: Array<{ layerId: string; reason: SkipReason; detail: string }>;
}

export interface LoadOptions {
  /** 'finetune' (default): loaded layers keep training; 'freeze': they become not trainable. */
  mode?: TransferMode;
}

/** The weights of every layer that has any, in model order. Bytes are fresh copies. */
export function extractLayers(model: tf.LayersModel): LayerRecord[] {
  const records: LayerRecord[] = [];
  for (const layer of model.layers) {
    if (layer.weights.length === 0) continue;
    const tensors = layer.weights.map((weight): TensorRecord => {
      const values = weight.read().dataSync();
      const bytes = new Uint8Array(values.byteLength);
      bytes.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
      return {
        name: weightName(layer.name, weight.originalName),
        shape: [...weight.shape] as number[],
        dtype: weight.dtype as TensorDType,
        bytes,
        checksum: checksumOf(bytes),
      };
    });
    records.push({ layerId: layer.name, tensors });
  }
  return records;
}

/** Loads `records` into the model's layers of the same id; reports what it loaded and skipped. */
export function loadLayers(model: tf.LayersModel, records: LayerRecord[], options: LoadOptions = {}): LoadReport {
  const mode = options.mode ?? 'finetune';
  if (mode !== 'finetune' && mode !== 'freeze') {
    throw new InvalidArgumentError(`mode must be 'finetune' or 'freeze', got '${String(mode)}'`, {
      details: { option: 'mode', value: mode },
    });
  }
  const layers = new Map(model.layers.map((layer) => [layer.name, layer]));
  const report: LoadReport = { loaded: [], skipped: [] };
  for (const record of records) {
    const layer = layers.get(record.layerId);
    if (!layer || layer.weights.length === 0) {
      report.skipped.push({ layerId: record.layerId, reason: 'not-in-model', detail: 'no layer with weights has this id' });
      continue;
    }
    const problem = checkRecord(layer, record);
    if (problem) {
      report.skipped.push({ layerId: record.layerId, ...problem });
      continue;
    }
    const byName = new Map(record.tensors.map((t) => [t.name, t]));
    const values = layer.weights.map((weight) => toTensor(byName.get(weightName(layer.name, weight.originalName))!));
    try {
      layer.setWeights(values);
    } finally {
      tf.dispose(values);
    }
    if (mode === 'freeze') layer.trainable = false;
    report.loaded.push(record.layerId);
  }
  return report;
}

function checkRecord(layer: tf.layers.Layer, record: LayerRecord): { reason: SkipReason; detail: string } | undefined {
  const names = layer.weights.map((w) => weightName(layer.name, w.originalName));
  const given = record.tensors.map((t) => t.name);
  if (names.length !== given.length || !names.every((n) => given.includes(n))) {
    return { reason: 'tensor-names', detail: `layer has [${names}], record has [${given}]` };
  }
  for (const weight of layer.weights) {
    const name = weightName(layer.name, weight.originalName);
    const t = record.tensors.find((r) => r.name === name)!;
    if (t.dtype !== weight.dtype) return { reason: 'dtype', detail: `${name}: ${t.dtype} where ${weight.dtype} is needed` };
    if (t.shape.length !== weight.shape.length || t.shape.some((d, i) => d !== weight.shape[i])) {
      return { reason: 'shape', detail: `${name}: [${t.shape}] where [${weight.shape}] is needed` };
    }
    const expected = t.shape.reduce((a, b) => a * b, 1) * (t.dtype === 'bool' ? 1 : 4);
    if (t.bytes.byteLength !== expected) {
      return { reason: 'byte-length', detail: `${name}: ${t.bytes.byteLength} bytes where ${expected} are needed` };
    }
    if (checksumOf(t.bytes) !== t.checksum) return { reason: 'checksum', detail: `${name}: CRC-32C does not match its bytes` };
  }
  return undefined;
}

function toTensor(record: TensorRecord): tf.Tensor {
  // Copy into an aligned buffer of its own: record bytes may be a view (a Buffer, say) into a
  // larger message at any offset.
  const copy = new Uint8Array(record.bytes);
  const values =
    record.dtype === 'float32' ? new Float32Array(copy.buffer) : record.dtype === 'int32' ? new Int32Array(copy.buffer) : copy;
  return tf.tensor(values, record.shape, record.dtype);
}

/** 'dense-…/kernel' → 'kernel': a weight's name within its layer. */
function weightName(layerName: string, fullName: string): string {
  return fullName.startsWith(layerName + '/') ? fullName.slice(layerName.length + 1) : fullName;
}
