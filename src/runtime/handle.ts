// runtime/handle.ts: actor handles. A handle is a value (the actor's id, rank and class) wrapped
// in a Proxy whose every string member is a method returning a Promise; reserved members are
// symbols, so they never shadow an actor's own method names. Handles serialise as their ActorRef
// (codec.ts) and come back bound to the receiving thread's router; call options never travel.

import { resolveCallOptions } from './options.js';
import type { ActorRef } from './protocol.js';

/** Reserved member: the ActorRef behind a handle. */
export const kActor: unique symbol = Symbol.for('graft.runtime.actor');

/**
 * Reserved member: `handle[kCallOptions]({ signal })` is the same actor's handle whose calls all
 * carry these options, e.g. `await trainer[kCallOptions]({ signal }).train(arch)`.
 */
export const kCallOptions: unique symbol = Symbol.for('graft.runtime.callOptions');

export interface CallOptions {
  /**
   * Aborting it rejects the call with AbortError (code ABORT_ERR). A call not yet started is
   * dropped; a running one sees its own callSignal() abort, and may finish or ignore it.
   */
  signal?: AbortSignal;
}

/** Where a handle sends its calls: the router of the thread holding it. */
export interface CallSink {
  call(ref: ActorRef, method: string, args: unknown[], options?: CallOptions): Promise<unknown>;
}

type AnyFunction = (...args: any[]) => unknown;

/** The typed view of an actor of class T: each method returns a Promise of its awaited result. */
export type Remote<T> = {
  readonly [K in keyof T as T[K] extends AnyFunction ? K : never]: T[K] extends (...args: infer A) => infer R
    ? (...args: A) => Promise<Awaited<R>>
    : never;
} & { readonly [kActor]: ActorRef; readonly [kCallOptions]: (options: CallOptions) => Remote<T> };

/** Members a Proxy must not turn into remote methods: awaiting or logging a handle must stay harmless. */
const kNotMethods = new Set(['then', 'catch', 'finally', 'toJSON', 'constructor', 'valueOf', 'toString', 'inspect']);

/** The Proxy target; codec.ts recognises handles by `instanceof HandleCore`. */
export class HandleCore {
  readonly ref: ActorRef;
  readonly sink: CallSink;
  readonly options: CallOptions | undefined;
  readonly methods = new Map<string, AnyFunction>();

  constructor(ref: ActorRef, sink: CallSink, options?: CallOptions) {
    this.ref = ref;
    this.sink = sink;
    this.options = options;
  }
}

const kTraps: ProxyHandler<HandleCore> = {
  get(core, prop) {
    if (prop === kActor) return core.ref;
    if (prop === kCallOptions) return (options: unknown) => makeHandle(core.ref, core.sink, resolveCallOptions(options));
    if (typeof prop === 'symbol') {
      if (prop === Symbol.for('nodejs.util.inspect.custom')) return () => describeHandle(core.ref);
      if (prop === Symbol.toStringTag) return 'ActorHandle';
      return undefined;
    }
    if (prop === 'constructor') return HandleCore;
    if (prop === 'toString') return () => describeHandle(core.ref);
    if (kNotMethods.has(prop)) return undefined;
    let method = core.methods.get(prop);
    if (!method) {
      method = (...args: unknown[]) => core.sink.call(core.ref, prop, args, core.options);
      core.methods.set(prop, method);
    }
    return method;
  },
  has(_core, prop) {
    return prop === kActor || prop === kCallOptions;
  },
  set() {
    return false;
  },
  ownKeys() {
    return [];
  },
};

export function makeHandle<T>(ref: ActorRef, sink: CallSink, options?: CallOptions): Remote<T> {
  return new Proxy(new HandleCore(ref, sink, options), kTraps) as unknown as Remote<T>;
}

export function isHandle(value: unknown): value is Remote<unknown> {
  return typeof value === 'object' && value !== null && value instanceof HandleCore;
}

/** The ActorRef behind a handle (its id, rank, class, name). */
export function actorRefOf(handle: unknown): ActorRef {
  if (!isHandle(handle)) throw new TypeError('not an actor handle');
  return handle[kActor];
}

function describeHandle(ref: ActorRef): string {
  return `ActorHandle<${ref.className}#${ref.id}${ref.name ? ` "${ref.name}"` : ''} on rank ${ref.rank}>`;
}
