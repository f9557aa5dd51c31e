// store/landing.ts: reusable shared memory that layers read from peers land in, when they are
// not kept as replicas. Memory fresh from the system costs a page fault and zeroing per 4 KiB
// page on its first write, which doubled the time of a 32 MiB peer read here; a block that was
// used before is mapped already. Blocks come back when the fetch that took them is released;
// one never given back is simply collected. Knows bytes only.

/** Idle memory the pool keeps for reuse; past it the oldest idle blocks go. */
const kMaxIdleBytes = 256 * 1024 * 1024;
/** Block sizes are rounded up to this, so nearby sizes share blocks. */
const kGranule = 64 * 1024;

export class LandingPool {
  /** Idle blocks by capacity, each list newest last (likeliest still in cache). */
  readonly #idle = new Map<number, Uint8Array[]>();
  /** Every idle block, oldest first. */
  readonly #order: Uint8Array[] = [];
  #idleBytes = 0;

  /** A view of exactly `byteLength` bytes over a block of shared memory. */
  take(byteLength: number): Uint8Array {
    const capacity = Math.max(kGranule, Math.ceil(byteLength / kGranule) * kGranule);
    const block = this.#idle.get(capacity)?.pop();
    if (block) {
      this.#order.splice(this.#order.indexOf(block), 1);
      this.#idleBytes -= capacity;
      return block.subarray(0, byteLength);
    }
    return new Uint8Array(new SharedArrayBuffer(capacity), 0, byteLength);
  }

  /** Returns a view from `take`; nothing may read or write it afterwards. */
  give(view: Uint8Array): void {
    const block = new Uint8Array(view.buffer);
    const capacity = block.byteLength;
    if (capacity > kMaxIdleBytes) return;
    while (this.#idleBytes + capacity > kMaxIdleBytes) this.#dropOldest();
    let list = this.#idle.get(capacity);
    if (!list) this.#idle.set(capacity, (list = []));
    list.push(block);
    this.#order.push(block);
    this.#idleBytes += capacity;
  }

  get idleBytes(): number {
    return this.#idleBytes;
  }

  #dropOldest(): void {
    const block = this.#order.shift()!;
    const list = this.#idle.get(block.byteLength)!;
    list.splice(list.indexOf(block), 1);
    this.#idleBytes -= block.byteLength;
  }
}
