// transport/dispatch.ts: routes incoming messages to the one subscriber of their tag. Messages
// for a tag nobody has subscribed to yet wait in a backlog, so a peer that starts sending before
// this rank subscribes loses nothing; order per (source, tag) is kept through the backlog. A
// subscriber that only borrows its messages has each one recycled as soon as it returns.

import type { MessageHandler, SubscribeOptions } from './transport.js';
import { TagInUseError } from './errors.js';
import { checkTag } from './validate.js';

type Pending = Array<{ source: number; bytes: Uint8Array }>;

interface Subscriber {
  handler: MessageHandler;
  borrow: boolean;
}

export class TagDispatcher {
  readonly #handlers = new Map<number, Subscriber>();
  /** Messages not yet handed over; present for a tag while it has no handler or is draining. */
  readonly #backlog = new Map<number, Pending>();
  /** Called when the number of subscribed tags moves between 0 and 1 (keeps a process alive). */
  readonly #onActive: ((active: boolean) => void) | undefined;
  /** Takes back a borrowed message's memory (and makes its view unusable). */
  readonly #recycle: (bytes: Uint8Array) => void;

  constructor(onActive: ((active: boolean) => void) | undefined, recycle: (bytes: Uint8Array) => void) {
    this.#onActive = onActive;
    this.#recycle = recycle;
  }

  get subscribedTags(): number {
    return this.#handlers.size;
  }

  subscribe(tag: number, handler: MessageHandler, options: SubscribeOptions = {}): () => void {
    checkTag(tag);
    if (typeof handler !== 'function') throw new TypeError('handler must be a function');
    if (this.#handlers.has(tag)) throw new TagInUseError(`tag ${tag} already has a subscriber`, { details: { tag } });
    const subscriber: Subscriber = { handler, borrow: options.borrow === true };
    this.#handlers.set(tag, subscriber);
    if (this.#handlers.size === 1) this.#onActive?.(true);
    // Hand over the backlog later, never inside subscribe(); new arrivals queue behind it.
    if (this.#backlog.has(tag)) queueMicrotask(() => this.#drain(tag, subscriber));
    return () => {
      if (this.#handlers.get(tag) !== subscriber) return;
      this.#handlers.delete(tag);
      if (this.#handlers.size === 0) this.#onActive?.(false);
    };
  }

  deliver(source: number, tag: number, bytes: Uint8Array): void {
    const waiting = this.#backlog.get(tag);
    const subscriber = this.#handlers.get(tag);
    if (waiting || !subscriber) {
      if (waiting) waiting.push({ source, bytes });
      else this.#backlog.set(tag, [{ source, bytes }]);
      return;
    }
    this.#call(subscriber, source, bytes);
  }

  #drain(tag: number, subscriber: Subscriber): void {
    const waiting = this.#backlog.get(tag);
    if (!waiting) return;
    while (waiting.length > 0) {
      if (this.#handlers.get(tag) !== subscriber) return; // unsubscribed mid-drain: keep the rest
      const { source, bytes } = waiting.shift()!;
      this.#call(subscriber, source, bytes);
    }
    this.#backlog.delete(tag);
  }

  /** A throwing handler must not stop delivery to others: its error surfaces as uncaught. */
  #call(subscriber: Subscriber, source: number, bytes: Uint8Array): void {
    try {
      subscriber.handler(source, bytes);
    } catch (err) {
      queueMicrotask(() => {
        throw err;
      });
    } finally {
      if (subscriber.borrow) this.#recycle(bytes);
    }
  }
}
