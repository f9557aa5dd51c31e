// train/errors.ts: the training layer's error classes, each with a stable code. Tests and
// callers match on class and code; `details` names the file, option or layer at fault.

import { GraftError } from '../errors.js';

/** A tfjs backend that was asked for (or probed) and cannot load here. */
export class BackendUnavailableError extends GraftError {
  override readonly code: string = 'ERR_BACKEND_UNAVAILABLE';
}

/** Bad data: missing file, wrong magic or shape, label out of range, length mismatch. */
export class DatasetError extends GraftError {
  override readonly code: string = 'ERR_DATASET';
}

/** An architecture the builder cannot turn into a model (unknown input, bad shapes …). */
export class ArchitectureError extends GraftError {
  override readonly code: string = 'ERR_ARCHITECTURE';
}

/** Saving or loading a whole model failed (missing model.json, bad weights file …). */
export class ModelIoError extends GraftError {
  override readonly code: string = 'ERR_MODEL_IO';
}

/** Training stopped because its AbortSignal fired. */
export class TrainingAbortedError extends GraftError {
  override readonly code: string = 'ERR_TRAINING_ABORTED';
}
