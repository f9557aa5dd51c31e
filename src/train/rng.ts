// train/rng.ts: seeding helpers of the training layer: a seeded shuffle and a string-to-seed
// hash. Everything that must repeat from a seed (splits, batches, initial weights) draws from
// these or from util/seeded-random.ts, never from Math.random.

import { seededRandom } from '../util/seeded-random.js';

/** The integers 0..n-1 in an order fixed by `seed` (Fisher–Yates). */
export function seededPermutation(n: number, seed: number): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const rand = seededRandom(seed);
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
