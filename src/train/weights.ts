// train/weights.ts: weight transfer I/O. Extracts a model's layers as LayerRecords (raw bytes,
// shape, dtype, CRC-32C) and loads donor records into another model, by layer id or into the
// layers a map names, whole or (for other widths) by the overlap of the shapes. A record is
// checked whole (names, shapes, dtypes, byte lengths, checksums) before any of it is written,
// so a layer gets all of what it is given or nothing.

import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError } from '../errors.js';
// The record format only (a shared contract): store/index.js would load the store's machinery.
import { checksumOf, type LayerRecord, type TensorDType, type TensorRecord } from '../store/layer-record.js';
import { copyOverlap } from './overlap.js';

export type TransferMode = 'finetune' | 'freeze';

export type SkipReason =
  | 'not-in-model'
  | 'target-taken'
  | 'tensor-names'
  | 'shape'
  | 'dtype'
  | 'byte-length'
  | 'checksum';

export interface LoadReport {
  /** Model layers whose weights were replaced whole by a record's. */
  loaded: string[];
  /**
   * Model layers given only the overlap of a record of other shapes (`partial`); the rest of
   * each such tensor keeps the layer's own values. Never frozen.
   */
  partial: string[];
  /** Records not loaded, by the record's layer id. */
  skipped: Array<{ layerId: string; reason: SkipReason; detail: string }>;
  /** Elements copied: every element of the loaded layers, the overlaps of the partial ones. */
  paramsLoaded: number;
}

export interface LoadOptions {
  /** 'finetune' (default): loaded layers keep training; 'freeze': they become not trainable. */
  mode?: TransferMode;
  /** Record layer id → name of the model layer it loads into; a record not named loads into its own id. */
  targets?: ReadonlyMap<string, string>;
  /**
   * Load a tensor whose name and rank match but whose shape does not by the overlap of the
   * two shapes, index-wise (a Net2Net-style change of width). Default false: such a record is
   * skipped for its shape.
   */
  partial?: boolean;
}

/** Every layer that has weights, in model order: its name (layer id) and its tensors' names and shapes. */
export function weightedLayerShapes(model: tf.LayersModel): Array<{ name: string; tensors: Array<{ name: string; shape: number[] }> }> {
  return model.layers
    .filter((l) => l.weights.length > 0)
    .map((l) => ({ name: l.name, tensors: l.weights.map((w) => ({ name: weightName(l.name, w.originalName), shape: [...w.shape] as number[] })) }));
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

/** The number of elements in every weight of every layer: what extractLayers would send. */
export function countParams(model: tf.LayersModel): number {
  let count = 0;
  for (const layer of model.layers) for (const weight of layer.weights) count += sizeOf(weight.shape as number[]);
  return count;
}

/**
 * Loads `records` into the model's layers of the same id, or those `targets` names; reports
 * what it loaded whole, loaded in part and skipped. A record is checked whole before any of
 * it is written; a second record for a layer already loaded is skipped.
 */
export function loadLayers(model: tf.LayersModel, records: LayerRecord[], options: LoadOptions = {}): LoadReport {
  const mode = options.mode ?? 'finetune';
  if (mode !== 'finetune' && mode !== 'freeze') {
    throw new InvalidArgumentError(`mode must be 'finetune' or 'freeze', got '${String(mode)}'`, {
      details: { option: 'mode', value: mode },
    });
  }
  if (options.targets !== undefined && !(options.targets instanceof Map)) {
    throw new InvalidArgumentError('targets must be a Map from record layer ids to model layer names', { details: { option: 'targets' } });
  }
  const partial = options.partial ?? false;
  if (typeof partial !== 'boolean') {
    throw new InvalidArgumentError(`partial must be true or false, got '${String(partial)}'`, { details: { option: 'partial', value: partial } });
  }
  const layers = new Map(model.layers.map((layer) => [layer.name, layer]));
  const report: LoadReport = { loaded: [], partial: [], skipped: [], paramsLoaded: 0 };
  const filled = new Set<string>();
  for (const record of records) {
    const target = options.targets?.get(record.layerId) ?? record.layerId;
    const layer = layers.get(target);
    if (!layer || layer.weights.length === 0) {
      report.skipped.push({ layerId: record.layerId, reason: 'not-in-model', detail: `no layer with weights is named ${target}` });
      continue;
    }
    if (filled.has(target)) {
      report.skipped.push({ layerId: record.layerId, reason: 'target-taken', detail: `another record was already loaded into ${target}` });
      continue;
    }
    const problem = checkRecord(layer, record, partial);
    if (problem) {
      report.skipped.push({ layerId: record.layerId, ...problem });
      continue;
    }
    const byName = new Map(record.tensors.map((t) => [t.name, t]));
    let sliced = false;
    const values = layer.weights.map((weight) => {
      const t = byName.get(weightName(layer.name, weight.originalName))!;
      const shape = weight.shape as number[];
      if (sameShape(t.shape, shape)) {
        report.paramsLoaded += sizeOf(t.shape);
        return toTensor(t);
      }
      sliced = true;
      // dataSync may hand back the backend's own buffer: copy it before writing.
      const own = weight.read().dataSync().slice() as Float32Array | Int32Array | Uint8Array;
      report.paramsLoaded += copyOverlap(valuesOf(t), t.shape, own, shape);
      return tf.tensor(own, shape, weight.dtype);
    });
    try {
      layer.setWeights(values);
    } finally {
      tf.dispose(values);
    }
    filled.add(target);
    if (sliced) {
      report.partial.push(target);
    } else {
      if (mode === 'freeze') layer.trainable = false;
      report.loaded.push(target);
    }
  }
  return report;
}

function checkRecord(layer: tf.layers.Layer, record: LayerRecord, partial: boolean): { reason: SkipReason; detail: string } | undefined {
  const names = layer.weights.map((w) => weightName(layer.name, w.originalName));
  const given = record.tensors.map((t) => t.name);
  if (names.length !== given.length || !names.every((n) => given.includes(n))) {
    return { reason: 'tensor-names', detail: `layer has [${names}], record has [${given}]` };
  }
  for (const weight of layer.weights) {
    const name = weightName(layer.name, weight.originalName);
    const t = record.tensors.find((r) => r.name === name)!;
    if (t.dtype !== weight.dtype) return { reason: 'dtype', detail: `${name}: ${t.dtype} where ${weight.dtype} is needed` };
    const fits = partial ? t.shape.length === weight.shape.length : sameShape(t.shape, weight.shape as number[]);
    if (!fits) {
      return { reason: 'shape', detail: `${name}: [${t.shape}] where [${weight.shape}] is needed${partial ? ' (or the same rank)' : ''}` };
    }
    const expected = sizeOf(t.shape) * (t.dtype === 'bool' ? 1 : 4);
    if (t.bytes.byteLength !== expected) {
      return { reason: 'byte-length', detail: `${name}: ${t.bytes.byteLength} bytes where ${expected} are needed` };
    }
    if (checksumOf(t.bytes) !== t.checksum) return { reason: 'checksum', detail: `${name}: CRC-32C does not match its bytes` };
  }
  return undefined;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function toTensor(record: TensorRecord): tf.Tensor {
  return tf.tensor(valuesOf(record), record.shape, record.dtype);
}

function valuesOf(record: TensorRecord): Float32Array | Int32Array | Uint8Array {
  // Copy into an aligned buffer of its own: record bytes may be a view (a Buffer, say) into a
  // larger message at any offset.
  const copy = new Uint8Array(record.bytes);
  return record.dtype === 'float32' ? new Float32Array(copy.buffer) : record.dtype === 'int32' ? new Int32Array(copy.buffer) : copy;
}

/** 'dense-…/kernel' → 'kernel': a weight's name within its layer. */
function weightName(layerName: string, fullName: string): string {
  return fullName.startsWith(layerName + '/') ? fullName.slice(layerName.length + 1) : fullName;
}
