// store/arena.ts: one shared-memory arena: a SharedArrayBuffer exposed to the transport (so
// peers read it one-sided and worker threads on this rank see it without copying) and a
// first-fit allocator with coalescing free list over it. Knows bytes and offsets, not layers.

import type { ExposedRegion, Transport } from '../transport/transport.js';

/** Offsets are multiples of this; large blocks start on a page (MPI gets run faster there). */
const kAlign = 64;
const kPage = 4096;
const kPageAlignFrom = 256 * 1024;

export class Arena {
  readonly buffer: SharedArrayBuffer;
  readonly bytes: Uint8Array;
  readonly region: ExposedRegion;
  /** Free blocks sorted by offset, never adjacent (merged on free). */
  readonly #free: Array<{ offset: number; length: number }>;
  #used = 0;

  constructor(transport: Transport, byteLength: number) {
    this.buffer = new SharedArrayBuffer(byteLength);
    this.bytes = new Uint8Array(this.buffer);
    this.region = transport.expose(this.bytes);
    this.#free = [{ offset: 0, length: byteLength }];
  }

  get byteLength(): number {
    return this.bytes.byteLength;
  }

  /** Bytes handed out (after rounding), not counting free gaps. */
  get used(): number {
    return this.#used;
  }

  /** The offset of a fresh block of `length` bytes, or -1 when no free block fits. */
  alloc(length: number): number {
    const size = roundUp(Math.max(length, 1), kAlign);
    const align = size >= kPageAlignFrom ? kPage : kAlign;
    for (let i = 0; i < this.#free.length; i++) {
      const block = this.#free[i]!;
      const start = roundUp(block.offset, align);
      const end = block.offset + block.length;
      if (start + size > end) continue;
      const pieces: Array<{ offset: number; length: number }> = [];
      if (start > block.offset) pieces.push({ offset: block.offset, length: start - block.offset });
      if (start + size < end) pieces.push({ offset: start + size, length: end - start - size });
      this.#free.splice(i, 1, ...pieces);
      this.#used += size;
      return start;
    }
    return -1;
  }

  /** Returns a block from `alloc(length)`. */
  free(offset: number, length: number): void {
    const size = roundUp(Math.max(length, 1), kAlign);
    this.#used -= size;
    let i = 0;
    while (i < this.#free.length && this.#free[i]!.offset < offset) i++;
    this.#free.splice(i, 0, { offset, length: size });
    // Merge with the following block, then with the preceding one.
    const next = this.#free[i + 1];
    if (next && offset + size === next.offset) {
      this.#free[i]!.length += next.length;
      this.#free.splice(i + 1, 1);
    }
    const prev = this.#free[i - 1];
    if (prev && prev.offset + prev.length === offset) {
      prev.length += this.#free[i]!.length;
      this.#free.splice(i, 1);
    }
  }

  release(): void {
    this.region.release();
  }
}

export function roundUp(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}
