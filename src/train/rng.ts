// train/rng.ts: small deterministic helpers for seeding: a 32-bit PRNG, a seeded shuffle and a
// string-to-seed hash. Everything that must repeat from a seed (splits, batches, initial
// weights) draws from here, never from Math.random.

/** mulberry32: a tiny, fast PRNG with a 32-bit state; plenty for shuffling and seeds. */
export function makeRng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The integers 0..n-1 in an order fixed by `seed` (Fisher–Yates). */
export function seededPermutation(n: number, seed: number): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const rand = makeRng(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}

/** FNV-1a over a string, mixed with a seed: derives independent per-layer seeds. */
export function hashSeed(seed: number, text: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
