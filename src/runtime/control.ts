// runtime/control.ts: how a thread asks its rank's main thread for things (spawn, connect,
// put/get, status …). The main thread answers its own requests directly; an actor thread sends
// them over its parent port, correlated by id, and every request ends exactly once: with the
// reply, the error sent back, or a ClosedError when the thread is being torn down.

import type { MessagePort, Transferable } from 'node:worker_threads';
import { ClosedError } from '../errors.js';
import type { ActorToSupervisor, ControlKind, ControlReplies, ControlRequestOf, SupervisorToActor } from './protocol.js';
import { fromWireError } from './wire-error.js';

export interface ControlClient {
  request<K extends ControlKind>(request: ControlRequestOf<K>, transfer?: Transferable[]): Promise<ControlReplies[K]>;
}

interface Waiter {
  resolve(value: unknown): void;
  reject(err: Error): void;
}

/** The control client of an actor thread: requests go up the parent port. */
export class PortControlClient implements ControlClient {
  readonly #port: MessagePort;
  readonly #pending = new Map<number, Waiter>();
  #nextId = 1;
  #closed: Error | undefined;

  constructor(port: MessagePort) {
    this.#port = port;
  }

  request<K extends ControlKind>(request: ControlRequestOf<K>, transfer: Transferable[] = []): Promise<ControlReplies[K]> {
    if (this.#closed) return Promise.reject(this.#closed);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      const message: ActorToSupervisor = { kind: 'control', id, request };
      this.#port.postMessage(message, transfer);
    });
  }

  /** Hands a reply from the parent to its waiter; false when no request has that id. */
  settle(reply: Extract<SupervisorToActor, { kind: 'control-reply' }>): boolean {
    const waiter = this.#pending.get(reply.id);
    if (!waiter) return false;
    this.#pending.delete(reply.id);
    if (reply.ok) waiter.resolve(reply.value);
    else waiter.reject(fromWireError(reply.error));
    return true;
  }

  close(reason: Error = new ClosedError('the runtime is shut down')): void {
    this.#closed = reason;
    for (const waiter of this.#pending.values()) waiter.reject(reason);
    this.#pending.clear();
  }
}
