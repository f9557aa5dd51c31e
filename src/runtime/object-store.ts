// runtime/object-store.ts: one rank's objects behind object refs, held in its main thread.
// Typed arrays sit in SharedArrayBuffers, so every thread of the rank reads the same memory;
// other values sit as msgpackr bytes. A bound on the total bytes gives a clear error instead of
// running the process out of memory. Knows nothing of transports or threads.

import { ObjectNotFoundError, ObjectStoreFullError } from './errors.js';
import type { LocalObject, ObjectRefData, RankStatus } from './protocol.js';
import { byteLengthOf } from './typed.js';

export class ObjectStore {
  readonly #rank: number;
  readonly #limitBytes: number;
  readonly #objects = new Map<number, LocalObject>();
  #bytes = 0;
  #nextId = 1;

  constructor(rank: number, limitBytes: number) {
    this.#rank = rank;
    this.#limitBytes = limitBytes;
  }

  put(value: LocalObject): ObjectRefData {
    const size = byteLengthOf(value);
    if (this.#bytes + size > this.#limitBytes) {
      throw new ObjectStoreFullError(
        `object store of rank ${this.#rank} is full: ${size} bytes asked, ${this.#limitBytes - this.#bytes} of ${this.#limitBytes} free (raise objectStoreMB or release refs)`,
        { details: { rank: this.#rank, requested: size, used: this.#bytes, limitBytes: this.#limitBytes } },
      );
    }
    const id = this.#nextId++;
    this.#objects.set(id, value);
    this.#bytes += size;
    return { id, rank: this.#rank, kind: value.kind, byteLength: size };
  }

  get(id: number): LocalObject {
    const value = this.#objects.get(id);
    if (!value) throw new ObjectNotFoundError(`object ${id} of rank ${this.#rank} was released or never existed`, { details: { rank: this.#rank, id } });
    return value;
  }

  /** Frees the object; its memory returns once no thread holds a view of it. */
  release(id: number): void {
    const value = this.get(id);
    this.#objects.delete(id);
    this.#bytes -= byteLengthOf(value);
  }

  usage(): RankStatus['objects'] {
    return { count: this.#objects.size, bytes: this.#bytes, limitBytes: this.#limitBytes };
  }
}
