// runtime/router.ts: the calling side of one thread. It keeps one ActorLink per actor this
// thread calls, makes handles bound to itself, and decodes values so that handles inside them
// come back bound to this thread.

import { ActorLink } from './link.js';
import { decode, type HandleBinder } from './codec.js';
import type { ControlClient } from './control.js';
import { makeHandle, type CallOptions, type CallSink, type Remote } from './handle.js';
import type { ActorRef } from './protocol.js';

export class Router implements CallSink {
  readonly #control: ControlClient;
  readonly #links = new Map<number, ActorLink>();
  #closed: Error | undefined;
  readonly binder: HandleBinder = (ref) => makeHandle(ref, this);

  constructor(control: ControlClient) {
    this.#control = control;
  }

  call(ref: ActorRef, method: string, args: unknown[], options?: CallOptions): Promise<unknown> {
    let link = this.#links.get(ref.id);
    if (!link) {
      if (this.#closed) return Promise.reject(this.#closed);
      link = new ActorLink(ref, this.#control, this.binder);
      this.#links.set(ref.id, link);
    }
    return link.call(method, args, options?.signal);
  }

  handle<T>(ref: ActorRef): Remote<T> {
    return makeHandle<T>(ref, this);
  }

  decode<T>(bytes: Uint8Array): T {
    return decode<T>(bytes, this.binder);
  }

  /** Fails every link's pending calls and refuses new ones. */
  close(reason: Error): void {
    this.#closed = reason;
    for (const link of this.#links.values()) link.fail(reason);
  }
}
