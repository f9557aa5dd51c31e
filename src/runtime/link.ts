// runtime/link.ts: one caller thread's connection to one actor. Calls queue in an outbox and
// leave as one batch per microtask (pipelined calls cost one postMessage between them); replies
// come back in batches too. The port goes straight to the actor's thread when it is on this
// rank, or to a relay when it is not; the link cannot tell the difference.
//
// When the port closes (the actor's thread died), calls in flight that the actor never began
// (its StartedMark says so) go to the restarted actor as if never sent; those it may have begun
// are lost with it: each is sent again while its retry budget lasts, else rejected with an
// ActorDiedError. When the actor is gone for good, everything queued and everything later
// fails with the same error. Order per caller holds except for retried calls.
//
// A call with an AbortSignal rejects with AbortError when the signal fires: not yet sent, it is
// simply dropped; already sent, a 'cancel' follows it and the actor's eventual reply is ignored.

import type { MessagePort } from 'node:worker_threads';
import { log } from '../util/log.js';
import { AbortError, ActorDiedError, SerializationError } from './errors.js';
import { decode, encode, encodeDetached, type HandleBinder } from './codec.js';
import type { ControlClient } from './control.js';
import type { ActorRef, CallMsg, ReplyMsg, StartedMark, ToActorMsg, WireError } from './protocol.js';
import { fromWireError } from './wire-error.js';

interface PendingCall {
  id: number;
  method: string;
  args: unknown[];
  /** -1: unlimited. */
  retriesLeft: number;
  /** Set when the caller can abort the call. */
  signal?: AbortSignal;
  resolve(value: unknown): void;
  reject(err: Error): void;
}

export class ActorLink {
  readonly #ref: ActorRef;
  readonly #control: ControlClient;
  readonly #binder: HandleBinder;
  #port: MessagePort | undefined;
  /** The current port's StartedMark. */
  #started: Float64Array<ArrayBufferLike> = new Float64Array(1);
  #incarnation = -1;
  #connecting = false;
  #dead: Error | undefined;
  #nextId = 1;
  readonly #inflight = new Map<number, PendingCall>();
  /** Calls that were in flight when the port closed, waiting to learn whether the actor restarted. */
  #lost: PendingCall[] = [];
  #outbox: PendingCall[] = [];
  /** Ids of aborted calls the current incarnation has: 'cancel' messages to send. */
  #cancels: number[] = [];
  /** Ids of aborted calls whose reply may still come; it is dropped without a warning. */
  readonly #cancelled = new Set<number>();
  #flushQueued = false;
  readonly #flush = (): void => this.#flushNow();
  readonly #onMessage = (bytes: Uint8Array): void => this.#receive(bytes);

  constructor(ref: ActorRef, control: ControlClient, binder: HandleBinder) {
    this.#ref = ref;
    this.#control = control;
    this.#binder = binder;
  }

  call(method: string, args: unknown[], signal?: AbortSignal): Promise<unknown> {
    if (this.#dead) return Promise.reject(this.#dead);
    if (signal?.aborted) return Promise.reject(this.#abortError(method, signal));
    return new Promise((resolve, reject) => {
      const call: PendingCall = { id: this.#nextId++, method, args, retriesLeft: this.#ref.maxTaskRetries, resolve, reject };
      if (signal) this.#watch(call, signal);
      this.#outbox.push(call);
      if (this.#port) this.#scheduleFlush();
      else if (!this.#connecting) this.#connect();
    });
  }

  /** Fails everything pending and refuses later calls with `reason`. */
  fail(reason: Error): void {
    if (this.#dead) return;
    this.#dead = reason;
    const everyone = [...this.#lost, ...this.#inflight.values(), ...this.#outbox];
    this.#lost = [];
    this.#inflight.clear();
    this.#outbox = [];
    for (const call of everyone) call.reject(reason);
    this.#cancels = [];
    this.#cancelled.clear();
    const port = this.#port;
    this.#port = undefined;
    port?.close();
  }

  #connect(): void {
    this.#connecting = true;
    this.#control.request({ kind: 'connect', actor: this.#ref, after: this.#incarnation }).then(
      ({ port, incarnation, lastDeath, started }) => {
        this.#connecting = false;
        if (this.#dead) {
          port.close();
          return;
        }
        this.#requeueLost(lastDeath);
        this.#attach(port, incarnation, started);
      },
      (err: Error) => {
        this.#connecting = false;
        this.fail(err);
      },
    );
  }

  #attach(port: MessagePort, incarnation: number, started: StartedMark): void {
    this.#port = port;
    this.#started = new Float64Array(started);
    this.#incarnation = incarnation;
    port.on('message', this.#onMessage);
    port.once('close', () => this.#onClose(port));
    // The actor's thread (or the transport) keeps the process alive while work is pending;
    // an idle link must not.
    port.unref();
    this.#flushNow();
  }

  #onClose(port: MessagePort): void {
    if (this.#port !== port) return;
    this.#port = undefined;
    // The incarnation that held the aborted calls is gone, and no reply will come from it.
    this.#cancels = [];
    this.#cancelled.clear();
    // Map order is send order, which is the order the actor begins them in: lost calls go back
    // ahead of those it never began, and those ahead of anything not yet sent.
    const mark = this.#started[0]!;
    const unbegun: PendingCall[] = [];
    for (const call of this.#inflight.values()) {
      if (mark >= 0 && call.id > mark) unbegun.push(call);
      else this.#lost.push(call);
    }
    this.#inflight.clear();
    this.#outbox = [...unbegun, ...this.#outbox];
    if (!this.#dead && (this.#lost.length > 0 || this.#outbox.length > 0) && !this.#connecting) this.#connect();
  }

  #requeueLost(lastDeath: WireError | undefined): void {
    if (this.#lost.length === 0) return;
    const retry: PendingCall[] = [];
    for (const call of this.#lost) {
      if (call.retriesLeft !== 0) {
        if (call.retriesLeft > 0) call.retriesLeft--;
        retry.push(call);
      } else {
        call.reject(this.#diedError(call.method, lastDeath));
      }
    }
    this.#lost = [];
    this.#outbox = [...retry, ...this.#outbox];
  }

  #diedError(method: string, lastDeath: WireError | undefined): ActorDiedError {
    const ref = this.#ref;
    return new ActorDiedError(`actor ${ref.className}#${ref.id} on rank ${ref.rank} died with call '${method}' in flight`, {
      details: { actor: ref.id, name: ref.name, className: ref.className, rank: ref.rank, method },
      ...(lastDeath ? { cause: fromWireError(lastDeath) } : {}),
    });
  }

  /** Rejects with AbortError when `signal` fires first; the listener goes when the call settles. */
  #watch(call: PendingCall, signal: AbortSignal): void {
    const onAbort = (): void => this.#abort(call, signal);
    signal.addEventListener('abort', onAbort, { once: true });
    call.signal = signal;
    const { resolve, reject } = call;
    call.resolve = (value) => {
      signal.removeEventListener('abort', onAbort);
      resolve(value);
    };
    call.reject = (err) => {
      signal.removeEventListener('abort', onAbort);
      reject(err);
    };
  }

  #abort(call: PendingCall, signal: AbortSignal): void {
    if (this.#inflight.delete(call.id)) {
      this.#cancels.push(call.id);
      this.#cancelled.add(call.id);
      this.#scheduleFlush();
    } else {
      this.#outbox = this.#outbox.filter((c) => c !== call);
      this.#lost = this.#lost.filter((c) => c !== call);
    }
    call.reject(this.#abortError(call.method, signal));
  }

  #abortError(method: string, signal: AbortSignal): AbortError {
    const ref = this.#ref;
    return new AbortError(`call '${method}' to actor ${ref.className}#${ref.id} on rank ${ref.rank} was aborted`, {
      cause: signal.reason,
      details: { actor: ref.id, name: ref.name, className: ref.className, rank: ref.rank, method },
    });
  }

  #scheduleFlush(): void {
    if (this.#flushQueued) return;
    this.#flushQueued = true;
    queueMicrotask(this.#flush);
  }

  #flushNow(): void {
    this.#flushQueued = false;
    const port = this.#port;
    if (!port || (this.#outbox.length === 0 && this.#cancels.length === 0)) return;
    let batch = this.#outbox;
    this.#outbox = [];
    const cancels = this.#cancels.map((id): ToActorMsg => ({ kind: 'cancel', id }));
    this.#cancels = [];
    const messages = (calls: PendingCall[]): ToActorMsg[] => (cancels.length === 0 ? calls.map(toCallMsg) : [...cancels, ...calls.map(toCallMsg)]);
    let bytes: Uint8Array;
    try {
      bytes = encodeDetached(messages(batch));
    } catch {
      batch = batch.filter(rejectIfUnencodable);
      if (batch.length === 0 && cancels.length === 0) return;
      bytes = encodeDetached(messages(batch));
    }
    for (const call of batch) this.#inflight.set(call.id, call);
    port.postMessage(bytes, [bytes.buffer as ArrayBuffer]);
  }

  #receive(bytes: Uint8Array): void {
    let replies: ReplyMsg[];
    try {
      replies = decode<ReplyMsg[]>(bytes, this.#binder);
    } catch (err) {
      // A batch that does not decode cannot be matched to its calls: fail what is in flight.
      const reason = new SerializationError(`a reply from actor #${this.#ref.id} did not decode`, { cause: err });
      for (const call of this.#inflight.values()) call.reject(reason);
      this.#inflight.clear();
      return;
    }
    for (const reply of replies) {
      const call = this.#inflight.get(reply.id);
      if (!call) {
        if (this.#cancelled.delete(reply.id)) continue;
        log('warn', 'runtime.reply.unknown', { actor: this.#ref.id, id: reply.id });
        continue;
      }
      this.#inflight.delete(reply.id);
      if (reply.kind === 'ok') call.resolve(reply.value);
      else call.reject(fromWireError(reply.error));
    }
  }
}

function toCallMsg(call: PendingCall): CallMsg {
  const msg: CallMsg = { kind: 'call', id: call.id, method: call.method, args: call.args };
  if (call.signal) msg.cancellable = true;
  return msg;
}

function rejectIfUnencodable(call: PendingCall): boolean {
  try {
    encode(call.args);
    return true;
  } catch (err) {
    call.reject(err as Error);
    return false;
  }
}
