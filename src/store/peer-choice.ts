// store/peer-choice.ts: which ranks a replica gossips with in one period: `fanout` distinct
// peers drawn uniformly among the ranks not suspected (among all others when every one is).
// A plain function so the transport driver and the round simulator choose alike.

import type { RandomSource } from '../util/seeded-random.js';

// The round simulator seeds its peer choices with the same generator as the rest of graft.

export function choosePeers(self: number, size: number, fanout: number, isSuspected: (rank: number) => boolean, random: RandomSource): number[] {
  const chosen: number[] = [];
  const k = Math.min(fanout, size - 1);
  // Rejection sampling is O(fanout) when few ranks are suspected, the usual case; after a
  // bounded number of misses fall back to drawing from the explicit list of candidates.
  for (let tries = 0; chosen.length < k && tries < 8 * k + 8; tries++) {
    const r = Math.floor(random() * size);
    if (r !== self && !isSuspected(r) && !chosen.includes(r)) chosen.push(r);
  }
  if (chosen.length === k) return chosen;
  const live: number[] = [];
  for (let r = 0; r < size; r++) if (r !== self && !isSuspected(r) && !chosen.includes(r)) live.push(r);
  const pool = live.length > 0 || chosen.length > 0 ? live : Array.from({ length: size }, (_, r) => r).filter((r) => r !== self);
  // Partial Fisher-Yates: the first slots end up a uniform sample without repeats.
  for (let i = 0; i < pool.length && chosen.length < k; i++) {
    const j = i + Math.floor(random() * (pool.length - i));
    const t = pool[i]!;
    pool[i] = pool[j]!;
    pool[j] = t;
    chosen.push(pool[i]!);
  }
  return chosen;
}
