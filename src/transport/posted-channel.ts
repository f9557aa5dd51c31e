// transport/posted-channel.ts: the in-process side of sendInto/receiveInto for one rank:
// messages and posted receives meet per (source, tag), each in arrival or posting order; a
// message waits for its receive, a receive for its message. Used by the loopback transport.

import { ClosedError } from '../errors.js';
import { MessageTruncatedError } from './errors.js';

interface Posted {
  into: Uint8Array;
  resolve(bytes: Uint8Array): void;
  reject(err: Error): void;
}

export class PostedChannel {
  readonly #messages = new Map<string, Uint8Array[]>();
  readonly #receives = new Map<string, Posted[]>();

  /** A message from `source` (a copy the channel owns). */
  arrive(source: number, tag: number, bytes: Uint8Array): void {
    const key = `${source}:${tag}`;
    const posted = this.#receives.get(key)?.shift();
    if (posted) this.#fill(posted, bytes);
    else this.#queue(this.#messages, key, bytes);
  }

  post(source: number, tag: number, into: Uint8Array): Promise<Uint8Array> {
    const key = `${source}:${tag}`;
    return new Promise((resolve, reject) => {
      const posted = { into, resolve, reject };
      const bytes = this.#messages.get(key)?.shift();
      if (bytes) this.#fill(posted, bytes);
      else this.#queue(this.#receives, key, posted);
    });
  }

  /** The rank closed: receives still posted will never be filled. */
  close(): void {
    const closed = new ClosedError('the transport closed before a message came for this receive');
    for (const list of this.#receives.values()) for (const posted of list) posted.reject(closed);
    this.#receives.clear();
    this.#messages.clear();
  }

  #fill(posted: Posted, bytes: Uint8Array): void {
    if (bytes.byteLength > posted.into.byteLength) {
      posted.reject(new MessageTruncatedError(`a ${bytes.byteLength}-byte message came for a ${posted.into.byteLength}-byte receive`));
      return;
    }
    posted.into.set(bytes);
    posted.resolve(posted.into.subarray(0, bytes.byteLength));
  }

  #queue<T>(map: Map<string, T[]>, key: string, item: T): void {
    const list = map.get(key);
    if (list) list.push(item);
    else map.set(key, [item]);
  }
}
