// train/trainer.ts: the training loop: seeded mini-batches and dropout masks, one optimizer
// step per batch, a budget of epochs or of steps, validation after every epoch (and where a
// step budget ends mid-epoch), early stopping (patience, minimum delta, restore best) and
// cancellation through an AbortSignal. The batch order follows (seed, epoch) and the dropout
// masks (seed, layer, step), so a training continued from its saved state (training-state.ts)
// takes the same steps as one that never stopped. Every tensor it makes is freed before it
// returns, whichever way it returns.

import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError } from '../errors.js';
import { product } from './architecture-check.js';
import type { Dataset } from './data/dataset.js';
import { TrainingAbortedError } from './errors.js';
import { evaluateSplit } from './evaluate.js';
import { hashSeed, seededPermutation } from './rng.js';
import { reseedDropout } from './seeded-dropout.js';
import { restoreOptimizer, saveOptimizer, type TrainingState } from './training-state.js';

export const kOptimizers = ['sgd', 'momentum', 'adam', 'rmsprop', 'adagrad'] as const;
export type OptimizerName = (typeof kOptimizers)[number];

export interface EarlyStopping {
  /** Epochs in a row without improvement of validation loss that stop training (0: the first). */
  patience: number;
  /** Smallest decrease of validation loss that counts as improvement (default 0). */
  minDelta?: number;
  /** Put back the weights of the best epoch when training ends (default true). */
  restoreBest?: boolean;
}

export interface TrainOptions {
  /** Epochs to train (default 1), counted from the model's initialisation; not together with `steps`. */
  epochs?: number;
  /**
   * Optimizer steps to train instead of whole epochs, counted from the model's initialisation:
   * training stops after that many batches, validating there even mid-epoch. Not together
   * with `epochs`.
   */
  steps?: number;
  /**
   * Where an earlier training of this model stopped (its `state`): training goes on from that
   * step with the optimizer's variables put back, up to the budget, which counts from the start.
   */
  resume?: TrainingState;
  /** Return the state to continue from (`TrainResult.state`). Not with early stopping's restore-best. */
  keepState?: boolean;
  batchSize?: number;
  optimizer?: OptimizerName;
  learningRate?: number;
  earlyStopping?: EarlyStopping;
  /** Seed of the batch order and of the dropout masks (default 0). */
  seed?: number;
  signal?: AbortSignal;
  onEpoch?: (metrics: EpochMetrics) => void | Promise<void>;
}

export interface EpochMetrics {
  epoch: number;
  /** Mean training loss over the epoch's batches. */
  loss: number;
  valLoss: number;
  /** Validation accuracy (classification) or R² (regression). */
  valScore: number;
  steps: number;
  seconds: number;
}

export interface TrainResult {
  epochs: EpochMetrics[];
  /** Validation score of the weights the model holds on return. */
  score: number;
  valLoss: number;
  /** Index into `epochs` of the epoch those weights come from. */
  bestEpoch: number;
  /** Optimizer steps taken by this call, and the epochs they make (fractional when a step budget ends mid-epoch). */
  steps: number;
  epochsTrained: number;
  stoppedEarly: boolean;
  seconds: number;
  /** The tfjs backend that ran the training. */
  backend: string;
  /** Where this training stopped, when `keepState` asked for it. */
  state?: TrainingState;
}

const kDefaults = { epochs: 1, batchSize: 32, optimizer: 'adam' as OptimizerName, learningRate: 1e-3, seed: 0 };

/** Trains `model` on `dataset.train`, validating on `dataset.validation` after each epoch. */
export async function trainModel(model: tf.LayersModel, dataset: Dataset, options: TrainOptions = {}): Promise<TrainResult> {
  const o = { ...kDefaults, ...options };
  checkOptions(o, options);
  checkFit(model, dataset);
  const started = performance.now();
  const inputShape = (model.inputs[0].shape as number[]).slice(1);
  const featureSize = product(inputShape);
  const units = dataset.outputUnits;
  const classification = dataset.task === 'classification';
  const train = dataset.train;
  const trainable = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const optimizer = makeOptimizer(o.optimizer, o.learningRate);
  if (o.resume !== undefined) await restoreOptimizer(optimizer, o.resume.optimizer);
  // tfjs's batch norm updates its moving statistics whenever it runs in training mode, frozen
  // or not; frozen layers get them put back after every step, so frozen means unchanged.
  const frozen = model.layers.filter((l) => !l.trainable && l.weights.length > 0).flatMap((l) => l.weights);
  const frozenValues = frozen.map((w) => tf.keep(tf.clone(w.read())));
  const patience = o.earlyStopping?.patience ?? Infinity;
  const minDelta = o.earlyStopping?.minDelta ?? 0;
  const restoreBest = o.earlyStopping !== undefined && (o.earlyStopping.restoreBest ?? true);
  const epochs: EpochMetrics[] = [];
  let best: { epoch: number; valLoss: number; weights?: Float32Array[] } | undefined;
  let stoppedEarly = false;
  const batchesPerEpoch = Math.ceil(train.count / o.batchSize);
  const maxSteps = o.steps ?? o.epochs * batchesPerEpoch;
  const startStep = o.resume?.steps ?? 0;
  if (startStep >= maxSteps) {
    throw new InvalidArgumentError(`the model has trained ${startStep} steps already, the whole budget of ${maxSteps}`, { details: { option: 'resume', steps: startStep, budget: maxSteps } });
  }
  let totalSteps = startStep;
  let samples = 0;

  const lossOf = (x: tf.Tensor, y: tf.Tensor): tf.Scalar => {
    const out = model.apply(x, { training: true }) as tf.Tensor;
    if (!classification) return tf.mean(tf.square(tf.sub(out, y))) as tf.Scalar;
    const probs = tf.clipByValue(out, 1e-7, 1 - 1e-7);
    return tf.neg(tf.mean(tf.sum(tf.mul(tf.oneHot(y as tf.Tensor1D, units), tf.log(probs)), -1))) as tf.Scalar;
  };

  try {
    for (let epoch = Math.floor(startStep / batchesPerEpoch); totalSteps < maxSteps; epoch++) {
      const epochStart = performance.now();
      const order = seededPermutation(train.count, o.seed + epoch);
      const firstBatch = totalSteps - epoch * batchesPerEpoch;
      let lossTotal: tf.Tensor = tf.keep(tf.scalar(0));
      let trainLoss = Number.NaN;
      let steps = 0;
      let seen = 0;
      try {
        for (let start = firstBatch * o.batchSize; start < train.count && totalSteps < maxSteps; start += o.batchSize) {
          throwIfAborted(o.signal);
          // The masks depend on the seed, the layer and the step, not on what the model went
          // through before (a loaded checkpoint trains the same as a fresh build).
          const step = totalSteps;
          reseedDropout(model, (name) => hashSeed(o.seed, `${name}#${step}`));
          const n = Math.min(o.batchSize, train.count - start);
          const { x, y } = gatherBatch(dataset, order.subarray(start, start + n), featureSize, units);
          const next = tf.tidy(() => {
            const xs = tf.tensor(x, [n, ...inputShape]);
            const ys = classification ? tf.tensor1d(y as Int32Array, 'int32') : tf.tensor2d(y as Float32Array, [n, units]);
            // A model frozen whole (a candidate identical to its donor) still gets its loss.
            const cost = trainable.length > 0 ? optimizer.minimize(() => lossOf(xs, ys), true, trainable)! : lossOf(xs, ys);
            return tf.add(lossTotal, tf.mul(cost, n));
          });
          lossTotal.dispose();
          lossTotal = tf.keep(next);
          frozen.forEach((w, i) => w.write(frozenValues[i]));
          steps++;
          totalSteps++;
          seen += n;
          // Let the event loop run between batches, so an abort message can arrive.
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
      } finally {
        trainLoss = lossTotal.dataSync()[0] / seen;
        samples += seen;
        lossTotal.dispose();
      }
      const { loss: valLoss, score: valScore } = evaluateSplit(model, dataset, dataset.validation);
      const metrics: EpochMetrics = { epoch, loss: trainLoss, valLoss, valScore, steps, seconds: (performance.now() - epochStart) / 1000 };
      epochs.push(metrics);
      if (!best || valLoss < best.valLoss - minDelta) {
        best = { epoch, valLoss, weights: restoreBest ? snapshot(model) : undefined };
      }
      await o.onEpoch?.(metrics);
      const sinceBest = epoch - best.epoch;
      if (sinceBest > 0 && sinceBest >= patience) {
        stoppedEarly = true;
        break;
      }
    }
    throwIfAborted(o.signal);
    let final = epochs.length - 1;
    if (restoreBest && best?.weights && best.epoch !== final) {
      restore(model, best.weights);
      final = best.epoch;
    }
    return {
      epochs,
      score: final >= 0 ? epochs[final].valScore : Number.NaN,
      valLoss: final >= 0 ? epochs[final].valLoss : Number.NaN,
      bestEpoch: final,
      steps: totalSteps - startStep,
      epochsTrained: samples / train.count,
      stoppedEarly,
      seconds: (performance.now() - started) / 1000,
      backend: tf.getBackend(),
      ...(o.keepState ? { state: { steps: totalSteps, optimizer: await saveOptimizer(optimizer) } } : {}),
    };
  } finally {
    disposeOptimizer(optimizer);
    tf.dispose(frozenValues);
  }
}

function gatherBatch(dataset: Dataset, indices: Uint32Array, featureSize: number, units: number): { x: Float32Array; y: Int32Array | Float32Array } {
  const { x: allX, y: allY } = dataset.train;
  const targetSize = dataset.task === 'classification' ? 1 : units;
  // Fresh arrays per batch: the cpu backend keeps the array it is given as the tensor's storage.
  const x = new Float32Array(indices.length * featureSize);
  const y = allY instanceof Int32Array ? new Int32Array(indices.length * targetSize) : new Float32Array(indices.length * targetSize);
  for (let i = 0; i < indices.length; i++) {
    const j = indices[i];
    x.set(allX.subarray(j * featureSize, (j + 1) * featureSize), i * featureSize);
    y.set(allY.subarray(j * targetSize, (j + 1) * targetSize), i * targetSize);
  }
  return { x, y };
}

function makeOptimizer(name: OptimizerName, learningRate: number): tf.Optimizer {
  switch (name) {
    case 'sgd':
      return tf.train.sgd(learningRate);
    case 'momentum':
      return tf.train.momentum(learningRate, 0.9);
    case 'adam':
      return tf.train.adam(learningRate);
    case 'rmsprop':
      return tf.train.rmsprop(learningRate);
    case 'adagrad':
      return tf.train.adagrad(learningRate);
  }
}

function disposeOptimizer(optimizer: tf.Optimizer): void {
  optimizer.dispose();
  // tfjs 4.22's MomentumOptimizer.dispose() skips SGDOptimizer's, leaking the learning-rate
  // scalar `c` it inherits; disposing a disposed tensor is a no-op, so this is safe either way.
  (optimizer as unknown as { c?: tf.Tensor }).c?.dispose();
}

function snapshot(model: tf.LayersModel): Float32Array[] {
  return model.weights.map((w) => Float32Array.from(w.read().dataSync()));
}

function restore(model: tf.LayersModel, values: Float32Array[]): void {
  model.weights.forEach((w, i) => {
    const t = tf.tensor(values[i], w.shape as number[], w.dtype);
    w.write(t);
    t.dispose();
  });
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new TrainingAbortedError('training was aborted', { cause: signal.reason });
}

function checkOptions(o: typeof kDefaults & TrainOptions, given: TrainOptions): void {
  const bad = (option: string, must: string, value: unknown): never => {
    throw new InvalidArgumentError(`${option} must be ${must}, got ${JSON.stringify(value)}`, { details: { option, value } });
  };
  if (given.epochs !== undefined && given.steps !== undefined) {
    throw new InvalidArgumentError('epochs and steps are two budgets: give one of them', { details: { option: 'steps', epochs: given.epochs, steps: given.steps } });
  }
  if (!Number.isInteger(o.epochs) || o.epochs < 1) bad('epochs', 'a positive integer', o.epochs);
  if (o.steps !== undefined && (!Number.isInteger(o.steps) || o.steps < 1)) bad('steps', 'a positive integer', o.steps);
  if (!Number.isInteger(o.batchSize) || o.batchSize < 1) bad('batchSize', 'a positive integer', o.batchSize);
  if (!kOptimizers.includes(o.optimizer)) bad('optimizer', `one of ${kOptimizers.join(', ')}`, o.optimizer);
  if (!(o.learningRate > 0)) bad('learningRate', 'a positive number', o.learningRate);
  if (!Number.isInteger(o.seed)) bad('seed', 'an integer', o.seed);
  const es = o.earlyStopping;
  if (o.resume !== undefined && !(Number.isInteger(o.resume.steps) && o.resume.steps >= 0)) bad('resume.steps', 'a non-negative integer', o.resume.steps);
  if (o.keepState && es !== undefined && (es.restoreBest ?? true)) {
    throw new InvalidArgumentError('keepState cannot go with early stopping that restores the best weights: the state would not continue them', { details: { option: 'keepState' } });
  }
  if (es !== undefined) {
    if (!Number.isInteger(es.patience) || es.patience < 0) bad('earlyStopping.patience', 'a non-negative integer', es.patience);
    if (es.minDelta !== undefined && !(es.minDelta >= 0)) bad('earlyStopping.minDelta', 'a non-negative number', es.minDelta);
  }
}

function checkFit(model: tf.LayersModel, dataset: Dataset): void {
  const inputShape = (model.inputs[0].shape as number[]).slice(1);
  const outputUnits = (model.outputs[0].shape as number[]).slice(1);
  const fail = (message: string): never => {
    throw new InvalidArgumentError(message, { details: { dataset: dataset.name, inputShape, featureShape: dataset.featureShape } });
  };
  if (product(inputShape) !== product(dataset.featureShape)) {
    fail(`model input [${inputShape}] does not fit samples of shape [${dataset.featureShape}] from ${dataset.name}`);
  }
  if (outputUnits.length !== 1 || outputUnits[0] !== dataset.outputUnits) {
    fail(`model output [${outputUnits}] does not match the ${dataset.outputUnits} outputs of ${dataset.name}`);
  }
  if (dataset.train.count === 0) fail(`${dataset.name} has no training samples`);
  if (dataset.validation.count === 0) fail(`${dataset.name} has no validation samples`);
}
