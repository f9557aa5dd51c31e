// nas/search/random-search.ts: the baseline strategy: every candidate drawn uniformly from the
// space with the seeded generator, blind to every outcome.

import { Random } from './random.js';
import { variablesOf, type SearchSpace, type Variable } from '../space/search-space.js';
import type { Proposal, SearchStrategy } from './strategy.js';

export class RandomSearch implements SearchStrategy {
  readonly #vars: Variable[];
  readonly #rng: Random;
  #nextId = 0;

  constructor(space: SearchSpace, seed: number) {
    this.#vars = variablesOf(space);
    this.#rng = new Random(seed);
  }

  propose(): Proposal {
    return { id: this.#nextId++, choices: randomChoices(this.#vars, this.#rng), parent: null };
  }

  tell(): void {}
}

/** A choice vector drawn uniformly from `vars`. */
export function randomChoices(vars: Variable[], rng: Random): number[] {
  return vars.map((v) => rng.int(v.choices));
}
