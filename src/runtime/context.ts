// runtime/context.ts: the runtime of the current thread. In an actor's thread it is set once
// at startup, with the actor's identity; in a main thread init() sets it. Also the AbortSignal
// of the actor method call running now, carried across its awaits by AsyncLocalStorage.

import { AsyncLocalStorage } from 'node:async_hooks';
import type { ActorRef } from './protocol.js';
import type { Runtime } from './runtime.js';

/** Who the current actor thread is. */
export interface ActorContext {
  actor: ActorRef;
  /** 0 for the first start, +1 for each restart. */
  incarnation: number;
  rank: number;
  /** Device ids this actor holds (also its CUDA_VISIBLE_DEVICES when the rank has GPUs). */
  gpus: string[];
}

let threadRuntime: Runtime | undefined;
let actorContext: ActorContext | undefined;

export function getThreadRuntime(): Runtime | undefined {
  return threadRuntime;
}

export function setThreadRuntime(runtime: Runtime | undefined, context?: ActorContext): void {
  threadRuntime = runtime;
  actorContext = context;
}

/** The identity of the actor running this code, or undefined outside an actor's thread. */
export function currentActor(): ActorContext | undefined {
  return actorContext;
}

const callSignals = new AsyncLocalStorage<AbortSignal>();

/**
 * Inside an actor method whose caller passed an AbortSignal: a signal that aborts when that
 * caller aborts (the method may stop early or ignore it). Undefined in any other code.
 */
export function callSignal(): AbortSignal | undefined {
  return callSignals.getStore();
}

/** Runs `fn` (an actor method) so that callSignal() inside it, and after its awaits, is `signal`. */
export function runWithCallSignal<T>(signal: AbortSignal, fn: () => T): T {
  return callSignals.run(signal, fn);
}
