// util/seeded-random.ts: the small seeded generator that training (splits, batch order, dropout
// masks, synthetic data) and the store's gossip peer choice draw from, so a seed repeats a run
// exactly. Not for cryptography. The search's proposals use their own generator
// (nas/random.ts), whose sequence recorded journals replay.

/** A source of floats in [0, 1). */
export type RandomSource = () => number;

/**
 * mulberry32: a 32-bit state stepped by a Weyl constant and mixed; tiny and fast, plenty for
 * shuffles and masks. Its sequence is part of graft's reproducibility: changing it changes
 * every seeded split, initialisation and recorded score.
 */
export function seededRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
