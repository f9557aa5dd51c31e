// nas/search/successive-halving.ts: asynchronous successive halving (ASHA; Li et al., "A System for
// Massively Parallel Hyperparameter Tuning", MLSys 2020) over rungs of training budget, e.g.
// 1, 3 and 9 epochs. Every candidate trains to the first rung. Whenever an actor is free, the
// highest rung holding a candidate in the top 1/eta of the results recorded at that rung (and
// not promoted yet) gives it a promotion to the next rung; only when no rung has one does a
// new candidate start. Nothing ever waits for a rung to fill, so no actor idles while there
// is work. Ties go to the earlier candidate, NaN scores are never promoted, and the decisions
// depend only on the order of `record` and `nextPromotion` calls, which is what lets a resumed
// search replay its journal into the same state.

import { InvalidArgumentError } from '../../errors.js';

export interface RungPlan {
  /** Cumulative budgets (epochs or steps), strictly increasing. */
  rungs: readonly number[];
  /** Promotion rate: the top 1/eta of a rung go on (at least 2). */
  eta: number;
}

export interface Promotion {
  id: number;
  /** The rung (index into `rungs`) the candidate goes on to. */
  rung: number;
}

/** Refuses rungs that do not increase, a budget under the first rung, and eta below 2. */
export function checkRungPlan(plan: RungPlan, budget?: number): void {
  const { rungs, eta } = plan;
  if (rungs.length === 0 || !rungs.every((r) => Number.isInteger(r) && r > 0)) {
    throw new InvalidArgumentError(`--rungs must be positive whole numbers, e.g. 1,3,9; got ${rungs.join(',')}`, { details: { option: 'rungs', rungs } });
  }
  for (let k = 1; k < rungs.length; k++) {
    if (!(rungs[k]! > rungs[k - 1]!)) {
      throw new InvalidArgumentError(`--rungs must increase: ${rungs[k]} follows ${rungs[k - 1]} in ${rungs.join(',')}`, { details: { option: 'rungs', rungs } });
    }
  }
  if (!(Number.isInteger(eta) && eta >= 2)) {
    throw new InvalidArgumentError(`--eta must be a whole number of at least 2 (the top 1/eta of a rung go on); got ${eta}`, { details: { option: 'eta', eta } });
  }
  if (budget !== undefined && budget < rungs[0]!) {
    throw new InvalidArgumentError(`the per-candidate budget (${budget}) is smaller than the first rung (${rungs[0]})`, { details: { option: 'rungs', budget, rungs } });
  }
}

interface RungEntry {
  id: number;
  score: number;
}

export class SuccessiveHalving {
  readonly #plan: RungPlan;
  /** Results recorded at each rung, in order of arrival. */
  readonly #results: RungEntry[][];
  /** Candidates promoted out of each rung. */
  readonly #promoted: Array<Set<number>>;

  constructor(plan: RungPlan) {
    checkRungPlan(plan);
    this.#plan = plan;
    this.#results = plan.rungs.map(() => []);
    this.#promoted = plan.rungs.map(() => new Set<number>());
  }

  get rungs(): readonly number[] {
    return this.#plan.rungs;
  }

  /** A candidate's result at `rung`. */
  record(id: number, rung: number, score: number): void {
    this.#results[rung]!.push({ id, score });
  }

  /**
   * The promotion to run next, marked as taken, or null when no rung has a candidate in its
   * top 1/eta that has not gone on already (then a new candidate should start).
   */
  nextPromotion(): Promotion | null {
    for (let k = this.#plan.rungs.length - 2; k >= 0; k--) {
      const id = this.#promotable(k);
      if (id !== undefined) {
        this.#promoted[k]!.add(id);
        return { id, rung: k + 1 };
      }
    }
    return null;
  }

  /** Replays a promotion read from the journal. */
  markPromoted(id: number, toRung: number): void {
    this.#promoted[toRung - 1]!.add(id);
  }

  /** How many results each rung holds. */
  counts(): number[] {
    return this.#results.map((r) => r.length);
  }

  #promotable(rung: number): number | undefined {
    const entries = this.#results[rung]!;
    const top = Math.floor(entries.length / this.#plan.eta);
    if (top === 0) return undefined;
    const ranked = entries
      .filter((e) => !Number.isNaN(e.score))
      .sort((a, b) => b.score - a.score || a.id - b.id)
      .slice(0, top);
    return ranked.find((e) => !this.#promoted[rung]!.has(e.id))?.id;
  }
}
