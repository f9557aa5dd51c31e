// transport/dispatch.ts: routes incoming messages to the one subscriber of their tag. Messages
// for a tag nobody has subscribed to yet wait in a backlog, so a peer that starts sending before
// this rank subscribes loses nothing; order per (source, tag) is kept through the backlog.

import type { MessageHandler } from './transport.js';
import { TagInUseError } from './errors.js';
import { checkTag } from './validate.js';

type Pending = Array<{ source: number; bytes: Uint8Array }>;

export class TagDispatcher {
  readonly #handlers = new Map<number, MessageHandler>();
  /** Messages not yet handed over; present for a tag while it has no handler or is draining. */
  readonly #backlog = new Map<number, Pending>();
  /** Called when the number of subscribed tags moves between 0 and 1 (keeps a process alive). */
  readonly #onActive: ((active: boolean) => void) | undefined;

  constructor(onActive?: (active: boolean) => void) {
    this.#onActive = onActive;
  }

  get subscribedTags(): number {
    return this.#handlers.size;
  }

  subscribe(tag: number, handler: MessageHandler): () => void {
    checkTag(tag);
    if (typeof handler !== 'function') throw new TypeError('handler must be a function');
    if (this.#handlers.has(tag)) throw new TagInUseError(`tag ${tag} already has a subscriber`, { details: { tag } });
    this.#handlers.set(tag, handler);
    if (this.#handlers.size === 1) this.#onActive?.(true);
    // Hand over the backlog later, never inside subscribe(); new arrivals queue behind it.
    if (this.#backlog.has(tag)) queueMicrotask(() => this.#drain(tag, handler));
    return () => {
      if (this.#handlers.get(tag) !== handler) return;
      this.#handlers.delete(tag);
      if (this.#handlers.size === 0) this.#onActive?.(false);
    };
  }

  deliver(source: number, tag: number, bytes: Uint8Array): void {
    const waiting = this.#backlog.get(tag);
    const handler = this.#handlers.get(tag);
    if (waiting || !handler) {
      if (waiting) waiting.push({ source, bytes });
      else this.#backlog.set(tag, [{ source, bytes }]);
      return;
    }
    call(handler, source, bytes);
  }

  #drain(tag: number, handler: MessageHandler): void {
    const waiting = this.#backlog.get(tag);
    if (!waiting) return;
    while (waiting.length > 0) {
      if (this.#handlers.get(tag) !== handler) return; // unsubscribed mid-drain: keep the rest
      const { source, bytes } = waiting.shift()!;
      call(handler, source, bytes);
    }
    this.#backlog.delete(tag);
  }
}

/** A throwing handler must not stop delivery to others: its error surfaces as uncaught. */
function call(handler: MessageHandler, source: number, bytes: Uint8Array): void {
  try {
    handler(source, bytes);
  } catch (err) {
    queueMicrotask(() => {
      throw err;
    });
  }
}
