// runtime/errors.ts: the actor runtime's error classes, each with a stable `code`. Callers and
// tests match on class and code; `details` names the actor, rank, option or object at fault.

import { GraftError, InvalidArgumentError, TimeoutError } from '../errors.js';

/**
 * An actor's thread died (constructor threw, `process.exit`, out of memory, killed) and the
 * call could not be completed within its restart and retry budgets. details: actor, name,
 * className, rank, restarts; `cause` is the reason the thread died, when known.
 */
export class ActorDiedError extends GraftError {
  override readonly code: string = 'ERR_ACTOR_DIED';
}

/** No live actor has this name (never spawned, dead, or killed). */
export class ActorNotFoundError extends GraftError {
  override readonly code: string = 'ERR_ACTOR_NOT_FOUND';
}

/** A named actor was spawned under a name another live actor holds. */
export class ActorNameTakenError extends InvalidArgumentError {
  override readonly code: string = 'ERR_ACTOR_NAME_TAKEN';
}

/** No rank can hold the requested resources (or the requested rank cannot). */
export class PlacementError extends GraftError {
  override readonly code: string = 'ERR_PLACEMENT';
}

/** A put would take the rank's object store past its configured bound. */
export class ObjectStoreFullError extends GraftError {
  override readonly code: string = 'ERR_OBJECT_STORE_FULL';
}

/** A get or release of an object ref that was released or never existed. */
export class ObjectNotFoundError extends GraftError {
  override readonly code: string = 'ERR_OBJECT_NOT_FOUND';
}

/** An actor module that does not load or does not export the named class or function. */
export class ModuleLoadError extends GraftError {
  override readonly code: string = 'ERR_ACTOR_MODULE';
}

/** A value that cannot cross a thread or rank (a function, a symbol, a class instance msgpack cannot carry). */
export class SerializationError extends GraftError {
  override readonly code: string = 'ERR_SERIALIZATION';
}

/** A message of the wrong protocol version or an unknown kind arrived. */
export class ProtocolError extends GraftError {
  override readonly code: string = 'ERR_RUNTIME_PROTOCOL';
}

/** An operation only the driver rank's main thread may perform (shutdown), or only a rank's main thread (serve, provideRankService). */
export class NotDriverError extends GraftError {
  override readonly code: string = 'ERR_NOT_DRIVER';
}

/**
 * An actor's thread did not finish starting (module import and constructor) within its
 * spawn option `startTimeoutMs`; the thread was ended. details: actor, className, rank,
 * timeoutMs, restarts.
 */
export class ActorStartTimeoutError extends TimeoutError {
  override readonly code: string = 'ERR_ACTOR_START_TIMEOUT';
}

/** The caller's AbortSignal fired before the call's result arrived; `cause` is the signal's reason. */
export class AbortError extends GraftError {
  override readonly code: string = 'ABORT_ERR';
}

/** No rank service of that name is provided on the rank (see Runtime.provideRankService). */
export class RankServiceNotFoundError extends GraftError {
  override readonly code: string = 'ERR_RANK_SERVICE_NOT_FOUND';
}
