// store/wire-error.ts: errors across a thread boundary. Sent as name, code, message, stack and
// details; rebuilt on the other side as the same store error class (by code), with the remote
// stack kept as the cause, so callers in workers catch the classes the store throws.

import { ClosedError, GraftError, InvalidArgumentError, TimeoutError } from '../errors.js';
import * as storeErrors from './errors.js';
import type { WireError } from './protocol.js';

type ErrorClass = new (message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) => GraftError;

const kByCode = new Map<string, ErrorClass>();
for (const cls of [...Object.values(storeErrors), ClosedError, InvalidArgumentError, TimeoutError] as ErrorClass[]) {
  kByCode.set(new cls('').code, cls);
}

export function toWireError(err: unknown): WireError {
  if (err instanceof GraftError) return { name: err.name, code: err.code, message: err.message, stack: err.stack, details: err.details };
  const e = err instanceof Error ? err : new Error(String(err));
  return { name: e.name, code: 'ERR_GRAFT', message: e.message, stack: e.stack, details: {} };
}

export function fromWireError(wire: WireError, origin: string): GraftError {
  const cls = kByCode.get(wire.code) ?? GraftError;
  const remote = new Error(`${wire.name}: ${wire.message} (${origin})`);
  remote.stack = wire.stack;
  return new cls(wire.message, { cause: remote, details: { ...wire.details, origin } });
}
