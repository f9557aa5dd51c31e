// runtime/wire-error.ts: errors crossing threads and ranks. The sender flattens an error to a
// WireError (name, code, message, stack, details, cause, origin); the receiver rebuilds the same
// class when it knows it (JavaScript's built-in errors, graft's errors, classes registered by
// upper layers), else an Error carrying the remote name and code. The remote stack is kept,
// with a last frame naming the actor and rank, and `origin` says where it was thrown.

import { hostname } from 'node:os';
import { ClosedError, GraftError, InvalidArgumentError, TimeoutError } from '../errors.js';
import * as runtimeErrors from './errors.js';
import type { RemoteOrigin, WireError } from './protocol.js';

type ErrorClass = new (message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) => Error;

const kBuiltins: ErrorClass[] = [Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError];
const registry = new Map<string, ErrorClass>();
for (const cls of kBuiltins) registry.set(cls.name, cls);
for (const cls of [GraftError, InvalidArgumentError, ClosedError, TimeoutError, ...Object.values(runtimeErrors)]) {
  registry.set(cls.name, cls as ErrorClass);
}

/** Lets an upper layer's error classes (GraftError subclasses) cross threads and ranks intact. */
export function registerErrorClass(cls: ErrorClass): void {
  if (typeof cls !== 'function' || !(cls.prototype instanceof Error)) throw new TypeError('registerErrorClass: an Error subclass is required');
  registry.set(cls.name, cls);
}

export const kHost = hostname();
const kMaxCauseDepth = 4;

export function toWireError(value: unknown, origin?: RemoteOrigin, depth = 0): WireError {
  if (!(value instanceof Error)) {
    return { name: 'Error', message: `non-error thrown: ${String(value)}`, ...(origin ? { origin } : {}) };
  }
  const wire: WireError = { name: value.name, message: value.message };
  if (value.stack !== undefined) wire.stack = value.stack;
  const code = (value as { code?: unknown }).code;
  if (typeof code === 'string') wire.code = code;
  if (value instanceof GraftError && Object.keys(value.details).length > 0) wire.details = plain(value.details);
  if (value.cause instanceof Error && depth < kMaxCauseDepth) wire.cause = toWireError(value.cause, undefined, depth + 1);
  const remote = errorOrigin(value);
  const where = remote ?? origin;
  if (where) wire.origin = where;
  return wire;
}

export function fromWireError(wire: WireError): Error {
  const cause = wire.cause ? fromWireError(wire.cause) : wire.origin;
  const cls = registry.get(wire.name);
  let err: Error;
  if (cls && (cls === GraftError || cls.prototype instanceof GraftError)) {
    err = new cls(wire.message, { cause, details: { ...wire.details, ...(wire.origin ? originDetails(wire.origin) : {}) } });
  } else if (cls) {
    err = new cls(wire.message, cause === undefined ? undefined : { cause });
  } else {
    err = new Error(wire.message, cause === undefined ? undefined : { cause });
    err.name = wire.name;
  }
  if (wire.code !== undefined && (err as { code?: unknown }).code === undefined) {
    Object.defineProperty(err, 'code', { value: wire.code, enumerable: true });
  }
  if (wire.stack !== undefined) err.stack = wire.origin ? `${wire.stack}\n    at ${describeOrigin(wire.origin)}` : wire.stack;
  if (wire.origin) Object.defineProperty(err, kOrigin, { value: wire.origin });
  return err;
}

const kOrigin = Symbol('graft.runtime.origin');

/** Where a rebuilt remote error was thrown (rank, host, actor, method), or undefined for a local one. */
export function errorOrigin(err: unknown): RemoteOrigin | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  return (err as { [kOrigin]?: RemoteOrigin })[kOrigin];
}

export function describeOrigin(origin: RemoteOrigin): string {
  const who = origin.actor !== undefined
    ? `actor ${origin.className ?? '?'}#${origin.actor}${origin.actorName ? ` "${origin.actorName}"` : ''}${origin.method ? `.${origin.method}` : ''}`
    : origin.task !== undefined ? `task ${origin.task}` : 'runtime';
  return `<${who} on rank ${origin.rank} (${origin.host})>`;
}

function originDetails(origin: RemoteOrigin): Record<string, unknown> {
  return { rank: origin.rank, host: origin.host, ...(origin.actor !== undefined ? { actor: origin.actor } : {}), ...(origin.actorName ? { actorName: origin.actorName } : {}) };
}

/** Details go through msgpackr; keep only what survives it (drop functions, symbols, errors → wire). */
function plain(details: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(details)) {
    if (typeof value === 'function' || typeof value === 'symbol') continue;
    out[key] = value instanceof Error ? value.message : value;
  }
  return out;
}
