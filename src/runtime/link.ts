// runtime/link.ts: one caller thread's connection to one actor. Calls queue in an outbox and
// leave as one batch per microtask (pipelined calls cost one postMessage between them); replies
// come back in batches too. The port goes straight to the actor's thread when it is on this
// rank, or to a relay when it is not; the link cannot tell the difference.
//
// When the port closes (the actor's thread died), calls in flight are lost with it: each is
// sent again to the restarted actor while its retry budget lasts, else rejected with an
// ActorDiedError. When the actor is gone for good, everything queued and everything later
// fails with the same error. Order per caller holds except for retried calls.

import type { MessagePort } from 'node:worker_threads';
import { log } from '../util/log.js';
import { ActorDiedError, SerializationError } from './errors.js';
import { decode, encode, encodeDetached, type HandleBinder } from './codec.js';
import type { ControlClient } from './control.js';
import type { ActorRef, CallMsg, ReplyMsg, WireError } from './protocol.js';
import { fromWireError } from './wire-error.js';

interface PendingCall {
  id: number;
  method: string;
  args: unknown[];
  /** -1: unlimited. */
  retriesLeft: number;
  resolve(value: unknown): void;
  reject(err: Error): void;
}

export class ActorLink {
  readonly #ref: ActorRef;
  readonly #control: ControlClient;
  readonly #binder: HandleBinder;
  #port: MessagePort | undefined;
  #incarnation = -1;
  #connecting = false;
  #dead: Error | undefined;
  #nextId = 1;
  readonly #inflight = new Map<number, PendingCall>();
  /** Calls that were in flight when the port closed, waiting to learn whether the actor restarted. */
  #lost: PendingCall[] = [];
  #outbox: PendingCall[] = [];
  #flushQueued = false;
  readonly #flush = (): void => this.#flushNow();
  readonly #onMessage = (bytes: Uint8Array): void => this.#receive(bytes);

  constructor(ref: ActorRef, control: ControlClient, binder: HandleBinder) {
    this.#ref = ref;
    this.#control = control;
    this.#binder = binder;
  }

  call(method: string, args: unknown[]): Promise<unknown> {
    if (this.#dead) return Promise.reject(this.#dead);
    return new Promise((resolve, reject) => {
      this.#outbox.push({ id: this.#nextId++, method, args, retriesLeft: this.#ref.maxTaskRetries, resolve, reject });
      if (this.#port) {
        if (!this.#flushQueued) {
          this.#flushQueued = true;
          queueMicrotask(this.#flush);
        }
      } else if (!this.#connecting) {
        this.#connect();
      }
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
    const port = this.#port;
    this.#port = undefined;
    port?.close();
  }

  #connect(): void {
    this.#connecting = true;
    this.#control.request({ kind: 'connect', actor: this.#ref, after: this.#incarnation }).then(
      ({ port, incarnation, lastDeath }) => {
        this.#connecting = false;
        if (this.#dead) {
          port.close();
          return;
        }
        this.#requeueLost(lastDeath);
        this.#attach(port, incarnation);
      },
      (err: Error) => {
        this.#connecting = false;
        this.fail(err);
      },
    );
  }

  #attach(port: MessagePort, incarnation: number): void {
    this.#port = port;
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
    // Map order is send order: lost calls go back ahead of anything not yet sent.
    this.#lost.push(...this.#inflight.values());
    this.#inflight.clear();
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

  #flushNow(): void {
    this.#flushQueued = false;
    const port = this.#port;
    if (!port || this.#outbox.length === 0) return;
    let batch = this.#outbox;
    this.#outbox = [];
    let bytes: Uint8Array;
    try {
      bytes = encodeDetached(batch.map(toCallMsg));
    } catch {
      batch = batch.filter(rejectIfUnencodable);
      if (batch.length === 0) return;
      bytes = encodeDetached(batch.map(toCallMsg));
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
  return { kind: 'call', id: call.id, method: call.method, args: call.args };
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
