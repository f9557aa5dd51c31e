// errors.ts: the root of graft's error classes. Every error graft throws on purpose is a
// GraftError with a stable `code`; each layer keeps its own subclasses in its own errors.ts.
// Tests assert the class and the code, never the message text.

export interface GraftErrorOptions {
  cause?: unknown;
  /** Extra facts that travel with the error (rank, actor, file, option …). */
  details?: Record<string, unknown>;
}

export class GraftError extends Error {
  readonly code: string = 'ERR_GRAFT';
  readonly details: Record<string, unknown>;

  constructor(message: string, options: GraftErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.details = options.details ?? {};
  }
}

/** A bad option, flag or argument given at one of graft's doors. */
export class InvalidArgumentError extends GraftError {
  override readonly code: string = 'ERR_INVALID_ARGUMENT';
}

/** An operation on something already closed, finalized or shut down. */
export class ClosedError extends GraftError {
  override readonly code: string = 'ERR_CLOSED';
}

/** A wait that ran past its deadline. */
export class TimeoutError extends GraftError {
  override readonly code: string = 'ERR_TIMEOUT';
}
