// runtime/actor-server.ts: the serving side inside an actor's thread. It runs calls from any
// number of caller ports on one instance: one at a time in arrival order by default, or up to
// maxConcurrency async calls at once. Replies to each caller leave in one batch per microtask.
// A result that cannot be encoded becomes an error reply, never silence. A call the caller can
// cancel runs with an AbortSignal of its own (callSignal()); a 'cancel' drops it if it is still
// queued (answered with an AbortError, so every call gets one reply) or aborts that signal.
// After a batch of replies the thread polls its callers' ports for a short while (see #linger).

import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { log } from '../util/log.js';
import { decode, encodeDetached, type HandleBinder } from './codec.js';
import { runWithCallSignal } from './context.js';
import { AbortError, SerializationError } from './errors.js';
import type { CallMsg, RemoteOrigin, ReplyMsg, StartedMark, ToActorMsg } from './protocol.js';
import { toWireError } from './wire-error.js';

interface Caller {
  port: MessagePort;
  /** The connection's StartedMark: the id of the last call begun. */
  started: Float64Array;
  replies: ReplyMsg[];
  flushQueued: boolean;
  flush(): void;
  /** Cancellable calls of this caller now running, by id. */
  running: Map<number, AbortController>;
}

/**
 * How long the thread polls its callers' ports after replying before it goes back to sleep in
 * the event loop. A caller awaiting calls one by one sends its next call tens of µs after the
 * reply; waking a sleeping thread for it costs ~35 µs more on these VMs (a bare MessagePort
 * round trip between threads: 70 µs; with a 100–200 µs poll on the receiving side: 35–40 µs).
 */
const kLingerNs = 150_000n;
/** Calls taken by polling before the thread must return to the event loop once. */
const kLingerCallsPerTurn = 64;

interface Queued {
  caller: Caller;
  msg: CallMsg;
}

export class ActorServer {
  readonly #instance: Record<string, unknown>;
  readonly #max: number;
  readonly #origin: RemoteOrigin;
  readonly #callsDone: Int32Array;
  readonly #binder: HandleBinder;
  readonly #queue: Queued[] = [];
  /** Callers whose ports #linger polls. */
  readonly #polled = new Set<Caller>();
  #running = 0;
  #lingerCalls = 0;

  constructor(instance: object, maxConcurrency: number, origin: RemoteOrigin, callsDone: Int32Array, binder: HandleBinder) {
    this.#instance = instance as Record<string, unknown>;
    this.#max = maxConcurrency;
    this.#origin = origin;
    this.#callsDone = callsDone;
    this.#binder = binder;
  }

  attach(port: MessagePort, started: StartedMark, poll: boolean): void {
    const caller: Caller = {
      port,
      started: new Float64Array(started),
      replies: [],
      flushQueued: false,
      flush: () => this.#flush(caller),
      running: new Map(),
    };
    port.on('message', (bytes: Uint8Array) => this.#receive(caller, bytes));
    if (poll) {
      port.once('close', () => this.#polled.delete(caller));
      this.#polled.add(caller);
    }
    // The parent port keeps this thread alive; a caller's port alone must not.
    port.unref();
  }

  #receive(caller: Caller, bytes: Uint8Array): void {
    let msgs: ToActorMsg[];
    try {
      msgs = decode<ToActorMsg[]>(bytes, this.#binder);
    } catch (err) {
      log('error', 'runtime.call.undecodable', { actor: this.#origin.actor, error: err });
      return;
    }
    for (const msg of msgs) {
      if (msg.kind === 'cancel') this.#cancel(caller, msg.id);
      else if (this.#queue.length === 0 && this.#running < this.#max) this.#run(caller, msg);
      else this.#queue.push({ caller, msg });
    }
  }

  #cancel(caller: Caller, id: number): void {
    const running = caller.running.get(id);
    if (running) {
      running.abort(new AbortError(`the caller aborted call #${id}`, { details: { actor: this.#origin.actor } }));
      return;
    }
    const at = this.#queue.findIndex((queued) => queued.caller === caller && queued.msg.id === id);
    if (at < 0) return; // already answered: the caller drops that reply
    const { msg } = this.#queue.splice(at, 1)[0]!;
    const err = new AbortError(`the caller aborted call #${id} before it started`, { details: { actor: this.#origin.actor } });
    this.#reply(caller, { kind: 'error', id, error: toWireError(err, this.#at(msg.method)) });
  }

  #run(caller: Caller, msg: CallMsg): void {
    // Before the call can have any effect. Read only once this thread's port has closed, so a
    // plain store suffices.
    caller.started[0] = msg.id;
    const fn = msg.method === 'constructor' ? undefined : this.#instance[msg.method];
    if (typeof fn !== 'function') {
      const err = new TypeError(`${this.#origin.className} has no method '${msg.method}'`);
      this.#reply(caller, { kind: 'error', id: msg.id, error: toWireError(err, this.#at(msg.method)) });
      return;
    }
    const controller = msg.cancellable ? new AbortController() : undefined;
    let result: unknown;
    try {
      result = controller ? runWithCallSignal(controller.signal, () => fn.apply(this.#instance, msg.args)) : fn.apply(this.#instance, msg.args);
    } catch (err) {
      this.#reply(caller, { kind: 'error', id: msg.id, error: toWireError(err, this.#at(msg.method)) });
      return;
    }
    if (!isThenable(result)) {
      this.#reply(caller, { kind: 'ok', id: msg.id, value: result });
      return;
    }
    if (controller) caller.running.set(msg.id, controller);
    this.#running++;
    result.then(
      (value) => this.#settle(caller, { kind: 'ok', id: msg.id, value }),
      (err) => this.#settle(caller, { kind: 'error', id: msg.id, error: toWireError(err, this.#at(msg.method)) }),
    );
  }

  #settle(caller: Caller, reply: ReplyMsg): void {
    this.#running--;
    if (caller.running.size > 0) caller.running.delete(reply.id);
    this.#reply(caller, reply);
    while (this.#queue.length > 0 && this.#running < this.#max) {
      const next = this.#queue.shift()!;
      this.#run(next.caller, next.msg);
    }
  }

  #reply(caller: Caller, reply: ReplyMsg): void {
    Atomics.add(this.#callsDone, 0, 1);
    caller.replies.push(reply);
    if (!caller.flushQueued) {
      caller.flushQueued = true;
      queueMicrotask(caller.flush);
    }
  }

  #flush(caller: Caller): void {
    caller.flushQueued = false;
    const replies = caller.replies;
    caller.replies = [];
    let bytes: Uint8Array;
    try {
      bytes = encodeDetached(replies);
    } catch {
      bytes = encodeDetached(replies.map((reply) => this.#encodable(reply)));
    }
    caller.port.postMessage(bytes, [bytes.buffer as ArrayBuffer]);
    this.#linger();
  }

  /**
   * Polls the callers' ports for up to kLingerNs while the actor is idle, and takes the first
   * call that arrives without a trip through the event loop. Bounded in time per reply and in
   * calls per event-loop turn, so the supervisor's messages and timers still get their turn;
   * busy only right after traffic, so an idle actor sleeps.
   */
  #linger(): void {
    if (this.#polled.size === 0 || this.#running > 0 || this.#queue.length > 0) return;
    if (this.#lingerCalls >= kLingerCallsPerTurn) return;
    const until = process.hrtime.bigint() + kLingerNs;
    while (process.hrtime.bigint() < until) {
      for (const caller of this.#polled) {
        const got = receiveMessageOnPort(caller.port);
        if (got === undefined) continue;
        if (this.#lingerCalls++ === 0) setImmediate(() => (this.#lingerCalls = 0));
        this.#receive(caller, got.message as Uint8Array);
        return;
      }
    }
  }

  /** The reply itself if it encodes, else an error reply saying why (with a plain error if even that fails). */
  #encodable(reply: ReplyMsg): ReplyMsg {
    try {
      encodeDetached(reply);
      return reply;
    } catch (err) {
      const what = reply.kind === 'ok' ? 'result' : 'error';
      const wrapped = new SerializationError(`the ${what} cannot be sent back: ${(err as Error).message}`);
      const error = toWireError(wrapped, this.#origin);
      if (reply.kind === 'error') error.message += ` (original: ${reply.error.name}: ${reply.error.message})`;
      return { kind: 'error', id: reply.id, error };
    }
  }

  #at(method: string): RemoteOrigin {
    return { ...this.#origin, method };
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
