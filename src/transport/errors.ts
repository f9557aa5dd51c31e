// transport/errors.ts: the transport layer's error classes, each with a stable `code`.
// Bad arguments are InvalidArgumentError subclasses; use after close is the shared ClosedError.

import { GraftError, InvalidArgumentError } from '../errors.js';

/** A destination, source or root rank outside 0 … size-1. */
export class RankOutOfRangeError extends InvalidArgumentError {
  override readonly code: string = 'ERR_RANK_OUT_OF_RANGE';
}

/** A tag that is not an integer in 0 … kMaxTag. */
export class InvalidTagError extends InvalidArgumentError {
  override readonly code: string = 'ERR_INVALID_TAG';
}

/** A payload that is not bytes (ArrayBuffer, SharedArrayBuffer or a view of one), or too large. */
export class InvalidPayloadError extends InvalidArgumentError {
  override readonly code: string = 'ERR_INVALID_PAYLOAD';
}

/** A second subscriber for a tag that already has one. */
export class TagInUseError extends InvalidArgumentError {
  override readonly code: string = 'ERR_TAG_IN_USE';
}

/** A one-sided read that reaches outside the exposed region. */
export class RegionBoundsError extends InvalidArgumentError {
  override readonly code: string = 'ERR_REGION_BOUNDS';
}

/** A one-sided read of a region its owner never exposed or has released. */
export class UnknownRegionError extends GraftError {
  override readonly code: string = 'ERR_UNKNOWN_REGION';
}

/** A message sent with sendInto was longer than the memory its receiveInto offered. */
export class MessageTruncatedError extends GraftError {
  override readonly code: string = 'ERR_MESSAGE_TRUNCATED';
}

/** Ranks called different collectives at the same point of their sequence (loopback detects it). */
export class CollectiveMismatchError extends GraftError {
  override readonly code: string = 'ERR_COLLECTIVE_MISMATCH';
}

/** Started under an MPI launcher, but the MPI addon is not built or does not load. */
export class MpiUnavailableError extends GraftError {
  override readonly code: string = 'ERR_MPI_UNAVAILABLE';
}

/**
 * An error returned by the MPI library. The addon constructs this class itself (it is handed
 * over at init), so MPI failures arrive as typed errors carrying MPI's error class.
 */
export class MpiError extends GraftError {
  override readonly code: string = 'ERR_MPI';
  /** MPI's error class (MPI_Error_class), e.g. 6 for MPI_ERR_RANK. */
  readonly mpiErrorClass: number;

  constructor(message: string, mpiErrorClass: number) {
    super(message, { details: { mpiErrorClass } });
    this.mpiErrorClass = mpiErrorClass;
  }
}
