// runtime/object-ref.ts: the value users hold for an object in a rank's store. It is plain
// data (id, owning rank, kind, size), so it crosses threads and ranks like any argument.

import type { ObjectRefData } from './protocol.js';

export class ObjectRef<T = unknown> implements ObjectRefData {
  readonly id: number;
  readonly rank: number;
  readonly kind: 'typed' | 'value';
  readonly byteLength: number;
  /** Compile-time only: the type get() resolves with. */
  declare readonly __value?: T;

  constructor(data: ObjectRefData) {
    this.id = data.id;
    this.rank = data.rank;
    this.kind = data.kind;
    this.byteLength = data.byteLength;
  }

  toData(): ObjectRefData {
    return { id: this.id, rank: this.rank, kind: this.kind, byteLength: this.byteLength };
  }
}
