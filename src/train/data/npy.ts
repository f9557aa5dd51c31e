// train/data/npy.ts: NumPy .npy files (format versions 1–3, little-endian, C order) holding
// float32, int32 or uint8 arrays, and a Dataset made of a features file plus a labels file.

import { readFile } from 'node:fs/promises';
import type { TaskKind } from '../architecture.js';
import { DatasetError } from '../errors.js';
import {
  checkLabels, checkNormalization, classCount, normalizeSplits, splitSamples,
  type Dataset, type SplitOptions,
} from './dataset.js';

export type NpyArray =
  | { dtype: 'float32'; shape: number[]; data: Float32Array }
  | { dtype: 'int32'; shape: number[]; data: Int32Array }
  | { dtype: 'uint8'; shape: number[]; data: Uint8Array };

const kMagic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
const kDescr: Record<string, NpyArray['dtype']> = { '<f4': 'float32', '<i4': 'int32', '|u1': 'uint8', '<u1': 'uint8' };

export function parseNpy(bytes: Uint8Array, source: string): NpyArray {
  const fail = (problem: string): never => {
    throw new DatasetError(`${source}: ${problem}`, { details: { file: source } });
  };
  if (bytes.byteLength < 10 || kMagic.some((b, i) => bytes[i] !== b)) fail('wrong magic: not a .npy file');
  const major = bytes[6];
  if (major < 1 || major > 3) fail(`.npy format version ${major} is not supported`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lengthBytes = major === 1 ? 2 : 4;
  if (bytes.byteLength < 8 + lengthBytes) fail('header is truncated');
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataStart = 8 + lengthBytes + headerLength;
  if (bytes.byteLength < dataStart) fail('header is truncated');
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(8 + lengthBytes, dataStart));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) fail('header lacks descr, fortran_order or shape');
  const dtype = kDescr[descr!];
  if (!dtype) fail(`dtype '${descr}' is not supported (float32 '<f4', int32 '<i4', uint8 '|u1')`);
  if (fortran === 'True') fail('Fortran-ordered arrays are not supported; save with C order');
  const shape = shapeText!.split(',').map((s) => s.trim()).filter((s) => s.length > 0).map(Number);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) fail(`bad shape (${shapeText})`);
  const size = shape.reduce((a, b) => a * b, 1);
  const itemBytes = dtype === 'uint8' ? 1 : 4;
  if (bytes.byteLength - dataStart !== size * itemBytes) {
    fail(`shape [${shape}] needs ${size * itemBytes} data bytes, file has ${bytes.byteLength - dataStart}`);
  }
  // Copy to a buffer of its own (readFile may hand out a pooled Buffer view), which also
  // aligns the data: its offset in the file need not be a multiple of 4.
  const raw = new Uint8Array(bytes.subarray(dataStart));
  if (dtype === 'float32') return { dtype, shape, data: new Float32Array(raw.buffer) };
  if (dtype === 'int32') return { dtype, shape, data: new Int32Array(raw.buffer) };
  return { dtype, shape, data: raw };
}

export async function readNpy(path: string): Promise<NpyArray> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (cause) {
    throw new DatasetError(`${path}: cannot read the file`, { cause, details: { file: path } });
  }
  return parseNpy(bytes, path);
}

export interface NpyDatasetOptions extends SplitOptions {
  /** .npy of shape [samples, ...featureShape]. */
  features: string;
  /** .npy of shape [samples] (classes, or one target) or [samples, targets] (regression). */
  labels: string;
  task: TaskKind;
  /** Classification only; default: largest label + 1. */
  numClasses?: number;
  name?: string;
}

export async function loadNpyDataset(options: NpyDatasetOptions): Promise<Dataset> {
  const normalize = checkNormalization(options.normalize, options.features);
  const [features, labels] = await Promise.all([readNpy(options.features), readNpy(options.labels)]);
  if (features.shape.length < 2) {
    throw new DatasetError(`${options.features}: features need shape [samples, ...], got [${features.shape}]`, { details: { file: options.features } });
  }
  const count = features.shape[0];
  if (labels.shape.length < 1 || labels.shape.length > 2 || labels.shape[0] !== count) {
    throw new DatasetError(`${options.labels}: labels of shape [${labels.shape}] do not match ${count} samples in ${options.features}`, {
      details: { file: options.labels, features: options.features },
    });
  }
  const x = Float32Array.from(features.data);
  // NaN or Inf would poison normalisation and every candidate; refuse them here, as CSV does.
  refuseNonFinite(x, options.features, 'feature');
  let y: Int32Array | Float32Array;
  let numClasses = 0;
  let outputUnits: number;
  if (options.task === 'classification') {
    if (labels.shape.length !== 1) {
      throw new DatasetError(`${options.labels}: class labels need shape [samples], got [${labels.shape}]`, { details: { file: options.labels } });
    }
    y = Int32Array.from(labels.data);
    const fractional = labels.data.findIndex((v, i) => v !== y[i]);
    if (fractional >= 0) {
      throw new DatasetError(`${options.labels}: label ${labels.data[fractional]} of sample ${fractional} is not an integer`, {
        details: { file: options.labels, sample: fractional },
      });
    }
    numClasses = options.numClasses ?? classCount(y);
    checkLabels(y, numClasses, options.labels);
    outputUnits = numClasses;
  } else if (options.task === 'regression') {
    y = Float32Array.from(labels.data);
    refuseNonFinite(y, options.labels, 'target');
    outputUnits = labels.shape.length === 2 ? labels.shape[1] : 1;
  } else {
    throw new DatasetError(`task must be 'classification' or 'regression', got '${String(options.task)}'`, { details: { option: 'task' } });
  }
  const featureShape = features.shape.slice(1);
  const [train, validation, test] = splitSamples({ x, y, count }, options, options.features);
  normalizeSplits(normalize, x.length / Math.max(1, count), train, [train, validation, test]);
  return { name: options.name ?? options.features, task: options.task, featureShape, numClasses, outputUnits, train, validation, test };
}

/** Throws a DatasetError with the count of NaN/Inf values and the first one's sample and index. */
function refuseNonFinite(values: Float32Array, file: string, what: string): void {
  let bad = 0;
  let first = -1;
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]!)) {
      bad++;
      if (first < 0) first = i;
    }
  }
  if (bad > 0) {
    throw new DatasetError(`${file}: ${bad} ${what} value(s) are NaN or infinite, the first at flat index ${first} (${values[first]})`, {
      details: { file, count: bad, index: first },
    });
  }
}
