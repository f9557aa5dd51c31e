// nas/search-strategy.ts: what proposes the next candidate. Aging (regularized) evolution as
// in DeepHyper and Real et al. 2019: until P results are in, candidates are random; after
// that, each proposal samples S members of the population (the last P results), mutates one
// variable of the best, and the oldest member ages out as results arrive. `beta` weights the
// mutated position towards later variables ((position + 1)^beta; 0 is uniform), which keeps
// longer transferable prefixes, as EvoStore does. Random search is the baseline. Both are
// deterministic given the seed and the order of `propose`/`tell` calls, which is what lets a
// resumed search replay its journal into the same state.

import { Random } from './random.js';
import { variablesOf, type SearchSpace, type Variable } from './search-space.js';

export interface Proposal {
  id: number;
  arch: number[];
  parent: number | null;
}

export interface SearchStrategy {
  /** The next candidate; ids count up from 0 in order of proposal. */
  propose(): Proposal;
  /** Reports a finished candidate's score (higher is better; NaN counts as worst). */
  tell(id: number, arch: readonly number[], score: number): void;
}

export interface EvolutionOptions {
  population: number;
  sample: number;
  beta: number;
  seed: number;
}

interface Member {
  id: number;
  arch: number[];
  score: number;
}

export class AgingEvolution implements SearchStrategy {
  readonly #vars: Variable[];
  readonly #mutable: number[];
  readonly #weights: number[];
  readonly #options: EvolutionOptions;
  readonly #rng: Random;
  readonly #population: Member[] = [];
  #told = 0;
  #nextId = 0;

  constructor(space: SearchSpace, options: EvolutionOptions) {
    this.#vars = variablesOf(space);
    this.#options = options;
    this.#rng = new Random(options.seed);
    this.#mutable = this.#vars.flatMap((v, k) => (v.choices > 1 ? [k] : []));
    this.#weights = this.#mutable.map((k) => Math.pow(k + 1, options.beta));
  }

  propose(): Proposal {
    const id = this.#nextId++;
    if (this.#told < this.#options.population || this.#mutable.length === 0) {
      return { id, arch: randomArch(this.#vars, this.#rng), parent: null };
    }
    const picks = this.#rng.sample(this.#population.length, this.#options.sample);
    let best = this.#population[picks[0]!]!;
    for (const p of picks) {
      const m = this.#population[p]!;
      if (rankable(m.score) > rankable(best.score)) best = m;
    }
    const arch = [...best.arch];
    const k = this.#mutable[this.#rng.weighted(this.#weights)]!;
    // A different value, never the same one: a mutation that changes nothing wastes a slot.
    const shift = 1 + this.#rng.int(this.#vars[k]!.choices - 1);
    arch[k] = (arch[k]! + shift) % this.#vars[k]!.choices;
    return { id, arch, parent: best.id };
  }

  tell(id: number, arch: readonly number[], score: number): void {
    this.#told++;
    this.#population.push({ id, arch: [...arch], score });
    if (this.#population.length > this.#options.population) this.#population.shift();
  }
}

export class RandomSearch implements SearchStrategy {
  readonly #vars: Variable[];
  readonly #rng: Random;
  #nextId = 0;

  constructor(space: SearchSpace, seed: number) {
    this.#vars = variablesOf(space);
    this.#rng = new Random(seed);
  }

  propose(): Proposal {
    return { id: this.#nextId++, arch: randomArch(this.#vars, this.#rng), parent: null };
  }

  tell(): void {}
}

function randomArch(vars: Variable[], rng: Random): number[] {
  return vars.map((v) => rng.int(v.choices));
}

function rankable(score: number): number {
  return Number.isNaN(score) ? -Infinity : score;
}
