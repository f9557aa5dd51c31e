// nas/search/retention.ts: which stored models a search still needs: its population (the last P
// results, which aging evolution draws parents from, so donors too) and the K best so far
// (good donors, and the models the top-K phase trains). Every P results it hands that set to
// `apply`, which asks every rank's store to drop the rest. Knows results, not stores.

import { modelIdOf } from '../evaluation/model-id.js';
import type { CandidateId } from '../run/index.js';

export class RetentionPolicy {
  readonly #population: number;
  readonly #best: number;
  readonly #apply: (keep: string[]) => void;
  readonly #recent: string[] = [];
  readonly #top: Array<{ id: string; score: number }> = [];
  /** Models kept for the whole search whatever their results (donors from earlier searches). */
  readonly #pinned: string[];
  #sinceApplied = 0;

  constructor(options: { population: number; best: number; pinned?: readonly string[] }, apply: (keep: string[]) => void) {
    this.#population = Math.max(1, options.population);
    this.#best = options.best;
    this.#pinned = [...(options.pinned ?? [])];
    this.#apply = apply;
  }

  /** A result (a failure scores NaN). `replayed`: from a resumed journal, nothing is applied. */
  add(id: CandidateId, score: number, replayed = false): void {
    const key = modelIdOf(id);
    this.#recent.push(key);
    if (this.#recent.length > this.#population) this.#recent.shift();
    if (!Number.isNaN(score)) {
      this.#top.push({ id: key, score });
      this.#top.sort((a, b) => b.score - a.score);
      if (this.#top.length > this.#best) this.#top.pop();
    }
    if (replayed || ++this.#sinceApplied < this.#population) return;
    this.#sinceApplied = 0;
    this.#apply(this.keep());
  }

  keep(): string[] {
    return [...new Set([...this.#pinned, ...this.#recent, ...this.#top.map((t) => t.id)])];
  }
}
