// nas/search/aging-evolution.ts: the default search strategy, aging (regularized) evolution as
// in DeepHyper and Real et al. 2019: the first P proposals are the random initial population,
// drawn up front from the seed, so every search with that seed starts from the same P
// candidates whatever order their results come back in (a run with transfer and one without
// stay comparable). After that, each proposal samples S members of the population (the last P
// results), mutates one variable of the best, and the oldest member ages out as results
// arrive. `beta` weights the
// mutated position towards later variables ((position + 1)^beta; 0 is uniform), which keeps
// longer transferable prefixes, as EvoStore does.

import { Random } from './random.js';
import { variablesOf, type SearchSpace, type Variable } from '../space/search-space.js';
import { randomChoices } from './random-search.js';
import { scoreOf, type CandidateOutcome, type Proposal, type SearchStrategy } from './strategy.js';
import type { CandidateId } from '../run/index.js';

export interface EvolutionOptions {
  population: number;
  sample: number;
  beta: number;
  seed: number;
  /**
   * Architectures that open the initial population, in order (at most half of it; the rest
   * is drawn at random as usual): a warm start's best architectures of earlier searches.
   */
  warmStart?: readonly (readonly number[])[];
}

/** The Random stream of mutations; stream 0 draws the initial population. */
const kMutationStream = 1;

interface Member {
  id: CandidateId;
  choices: number[];
  score: number;
}

export class AgingEvolution implements SearchStrategy {
  readonly #vars: Variable[];
  readonly #mutable: number[];
  readonly #weights: number[];
  readonly #options: EvolutionOptions;
  /** Draws of mutations (and of any random candidate past the initial population). */
  readonly #rng: Random;
  readonly #initial: number[][];
  readonly #population: Member[] = [];
  #nextId = 0;

  constructor(space: SearchSpace, options: EvolutionOptions) {
    this.#vars = variablesOf(space);
    this.#options = options;
    // Two streams: the initial population's draws never depend on how many mutations (which
    // follow the results) were drawn before them.
    const initialRng = new Random(options.seed);
    this.#initial = Array.from({ length: options.population }, () => randomChoices(this.#vars, initialRng));
    const warm = (options.warmStart ?? []).slice(0, Math.ceil(options.population / 2));
    warm.forEach((choices, i) => (this.#initial[i] = [...choices]));
    this.#rng = new Random(options.seed, kMutationStream);
    this.#mutable = this.#vars.flatMap((v, k) => (v.choices > 1 ? [k] : []));
    this.#weights = this.#mutable.map((k) => Math.pow(k + 1, options.beta));
  }

  propose(): Proposal {
    const id = this.#nextId++;
    if (id < this.#initial.length) return { id, choices: [...this.#initial[id]!], parent: null };
    // With nothing to mutate (no result yet, as when there are more actors than P, or a space
    // of fixed choices), the candidate is random.
    if (this.#population.length === 0 || this.#mutable.length === 0) {
      return { id, choices: randomChoices(this.#vars, this.#rng), parent: null };
    }
    const picks = this.#rng.sample(this.#population.length, this.#options.sample);
    let best = this.#population[picks[0]!]!;
    for (const p of picks) {
      const m = this.#population[p]!;
      if (rankable(m.score) > rankable(best.score)) best = m;
    }
    const choices = [...best.choices];
    const k = this.#mutable[this.#rng.weighted(this.#weights)]!;
    // A different value, never the same one: a mutation that changes nothing wastes a slot.
    const shift = 1 + this.#rng.int(this.#vars[k]!.choices - 1);
    choices[k] = (choices[k]! + shift) % this.#vars[k]!.choices;
    return { id, choices, parent: best.id };
  }

  tell(outcome: CandidateOutcome): void {
    this.#population.push({ id: outcome.id, choices: [...outcome.choices], score: scoreOf(outcome) });
    if (this.#population.length > this.#options.population) this.#population.shift();
  }
}

function rankable(score: number): number {
  return Number.isNaN(score) ? -Infinity : score;
}
