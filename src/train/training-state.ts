// train/training-state.ts: where a training stopped, so that it can go on later as if it never
// stopped: the optimizer steps taken (which fix the next batch, the dropout masks and the
// learning-rate schedule) and the optimizer's own variables (Adam's moments and step count,
// momentum's accumulators). Kept as plain arrays so it crosses threads and ranks, and written
// next to a model's files as optimizer.json + optimizer.bin.

import * as tf from '@tensorflow/tfjs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ModelIoError } from './errors.js';

export interface SavedVariable {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  values: Float32Array | Int32Array;
}

export interface TrainingState {
  /** Optimizer steps taken since the model was initialised. */
  steps: number;
  /** The optimizer's variables in its own order (tfjs `getWeights`), or empty before any step. */
  optimizer: SavedVariable[];
}

/**
 * Adam's running powers of beta1 and beta2. tfjs's setWeights recomputes them as pow(beta,
 * steps + 1), which rounds differently from the product the optimizer kept step by step; they
 * are saved too (under these names, marked with '#'), so a continued training is bit for bit
 * the unbroken one.
 */
const kRunningPowers = ['accBeta1', 'accBeta2'] as const;
const kPowerMark = '#';

const kStateFile = 'optimizer.json';
const kValuesFile = 'optimizer.bin';

/** The optimizer's variables, copied out of tfjs. */
export async function saveOptimizer(optimizer: tf.Optimizer): Promise<SavedVariable[]> {
  const named = await optimizer.getWeights();
  const saved: SavedVariable[] = [];
  for (const { name, tensor } of named) {
    const dtype = tensor.dtype === 'int32' ? 'int32' : 'float32';
    const data = await tensor.data();
    saved.push({ name, shape: [...tensor.shape], dtype, values: dtype === 'int32' ? Int32Array.from(data) : Float32Array.from(data) });
  }
  // getWeights makes a fresh scalar for the step count; the rest are the optimizer's own.
  named[0]?.tensor.dispose();
  for (const field of kRunningPowers) {
    const power = runningPower(optimizer, field);
    if (power !== undefined) saved.push({ name: kPowerMark + field, shape: [], dtype: 'float32', values: Float32Array.from(power.dataSync()) });
  }
  return saved;
}

/** Puts saved variables back into a fresh optimizer of the same kind. */
export async function restoreOptimizer(optimizer: tf.Optimizer, saved: readonly SavedVariable[]): Promise<void> {
  const own = saved.filter((v) => !v.name.startsWith(kPowerMark));
  if (own.length === 0) return;
  const tensors = own.map((v) => ({ name: v.name, tensor: tf.tensor(v.values, v.shape, v.dtype) }));
  await optimizer.setWeights(tensors);
  // setWeights copies each moment into a variable of its own and reads the step count.
  tf.dispose(tensors.map((t) => t.tensor));
  for (const v of saved.filter((x) => x.name.startsWith(kPowerMark))) {
    const power = runningPower(optimizer, v.name.slice(kPowerMark.length));
    if (power !== undefined) tf.tidy(() => power.assign(tf.scalar(v.values[0]!)));
  }
}

function runningPower(optimizer: tf.Optimizer, field: string): tf.Variable | undefined {
  const value = (optimizer as unknown as Record<string, unknown>)[field];
  return value instanceof tf.Variable ? value : undefined;
}

/** Writes `state` into `dir` beside a model (optimizer.bin first, then optimizer.json). */
export async function writeTrainingState(state: TrainingState, dir: string): Promise<void> {
  const bytes = state.optimizer.reduce((n, v) => n + v.values.byteLength, 0);
  const blob = new Uint8Array(bytes);
  let at = 0;
  for (const v of state.optimizer) {
    blob.set(new Uint8Array(v.values.buffer, v.values.byteOffset, v.values.byteLength), at);
    at += v.values.byteLength;
  }
  const header = { steps: state.steps, variables: state.optimizer.map(({ name, shape, dtype }) => ({ name, shape, dtype })) };
  const tmp = `.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, kValuesFile + tmp), blob);
    await rename(join(dir, kValuesFile + tmp), join(dir, kValuesFile));
    await writeFile(join(dir, kStateFile + tmp), JSON.stringify(header));
    await rename(join(dir, kStateFile + tmp), join(dir, kStateFile));
  } catch (cause) {
    throw new ModelIoError(`cannot write the training state to ${dir}`, { cause, details: { file: dir } });
  }
}

/** Reads the state writeTrainingState wrote into `dir`. */
export async function readTrainingState(dir: string): Promise<TrainingState> {
  const file = join(dir, kStateFile);
  let header: { steps: number; variables: Array<Omit<SavedVariable, 'values'>> };
  let blob: Buffer;
  try {
    header = JSON.parse(await readFile(file, 'utf8')) as typeof header;
    blob = await readFile(join(dir, kValuesFile));
  } catch (cause) {
    throw new ModelIoError(`${file}: cannot read the training state`, { cause, details: { file } });
  }
  if (!Number.isInteger(header.steps) || header.steps < 0 || !Array.isArray(header.variables)) {
    throw new ModelIoError(`${file}: not a training state (steps, variables)`, { details: { file } });
  }
  const optimizer: SavedVariable[] = [];
  let at = 0;
  for (const v of header.variables) {
    const count = v.shape.reduce((n, d) => n * d, 1);
    const end = at + count * 4;
    if (end > blob.byteLength || (v.dtype !== 'float32' && v.dtype !== 'int32')) {
      throw new ModelIoError(`${file}: variable ${v.name} does not fit ${kValuesFile}`, { details: { file, variable: v.name } });
    }
    // A copy: the typed array must own aligned memory of its own.
    const raw = blob.buffer.slice(blob.byteOffset + at, blob.byteOffset + end);
    optimizer.push({ ...v, values: v.dtype === 'int32' ? new Int32Array(raw) : new Float32Array(raw) });
    at = end;
  }
  if (at !== blob.byteLength) throw new ModelIoError(`${file}: ${kValuesFile} holds more than its variables`, { details: { file } });
  return { steps: header.steps, optimizer };
}
