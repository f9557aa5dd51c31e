// nas/search/random.ts: the seeded pseudo-random generator every search decision draws from, so the
// same seed and the same order of results give the same proposals. Not for cryptography.
// It stays apart from util/seeded-random.ts because resumed runs replay their journals
// against this exact sequence.

/** A 32-bit generator (SplitMix32-style mixing over a Weyl sequence): tiny, fast, good enough. */
export class Random {
  #state: number;

  /**
   * `stream` picks one of several independent sequences for the same seed: a different
   * stream starts the Weyl sequence far from where stream 0 runs.
   */
  constructor(seed: number, stream = 0) {
    this.#state = (seed ^ 0x9e3779b9 ^ Math.imul(stream, 0x632be5ab)) >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x9e3779b9) >>> 0;
    let z = this.#state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    z = (z ^ (z >>> 16)) >>> 0;
    return z / 0x1_0000_0000;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** An index drawn with probability proportional to `weights[i]`. */
  weighted(weights: number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let x = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      x -= weights[i]!;
      if (x < 0) return i;
    }
    return weights.length - 1;
  }

  /** `k` distinct indices of [0, n), in draw order (partial Fisher–Yates). */
  sample(n: number, k: number): number[] {
    const idx = Array.from({ length: n }, (_, i) => i);
    const m = Math.min(k, n);
    for (let i = 0; i < m; i++) {
      const j = i + this.int(n - i);
      [idx[i], idx[j]] = [idx[j]!, idx[i]!];
    }
    return idx.slice(0, m);
  }
}
