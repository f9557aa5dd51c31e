// runtime/handle.ts: actor handles. A handle is a value (the actor's id, rank and class) wrapped
// in a Proxy whose every string member is a method returning a Promise; reserved members are
// symbols, so they never shadow an actor's own method names. Handles serialise as their ActorRef
// (codec.ts) and come back bound to the receiving thread's router.

import type { ActorRef } from './protocol.js';

/** Reserved member: the ActorRef behind a handle. */
export const kActor: unique symbol = Symbol.for('graft.runtime.actor');

/** Where a handle sends its calls: the router of the thread holding it. */
export interface CallSink {
  call(ref: ActorRef, method: string, args: unknown[]): Promise<unknown>;
}

type AnyFunction = (...args: any[]) => unknown;

/** The typed view of an actor of class T: each method returns a Promise of its awaited result. */
export type Remote<T> = {
  readonly [K in keyof T as T[K] extends AnyFunction ? K : never]: T[K] extends (...args: infer A) => infer R
    ? (...args: A) => Promise<Awaited<R>>
    : never;
} & { readonly [kActor]: ActorRef };

/** Members a Proxy must not turn into remote methods: awaiting or logging a handle must stay harmless. */
const kNotMethods = new Set(['then', 'catch', 'finally', 'toJSON', 'constructor', 'valueOf', 'toString', 'inspect']);

/** The Proxy target; codec.ts recognises handles by `instanceof HandleCore`. */
export class HandleCore {
  readonly ref: ActorRef;
  readonly sink: CallSink;
  readonly methods = new Map<string, AnyFunction>();

  constructor(ref: ActorRef, sink: CallSink) {
    this.ref = ref;
    this.sink = sink;
  }
}

const kTraps: ProxyHandler<HandleCore> = {
  get(core, prop) {
    if (prop === kActor) return core.ref;
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
      method = (...args: unknown[]) => core.sink.call(core.ref, prop, args);
      core.methods.set(prop, method);
    }
    return method;
  },
  has(_core, prop) {
    return prop === kActor;
  },
  set() {
    return false;
  },
  ownKeys() {
    return [];
  },
};

export function makeHandle<T>(ref: ActorRef, sink: CallSink): Remote<T> {
  return new Proxy(new HandleCore(ref, sink), kTraps) as unknown as Remote<T>;
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
