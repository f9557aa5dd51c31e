// nas/search/objectives.ts: what a search optimises. `score` (the validation score, maximised) alone
// by default; with more, the search keeps a Pareto front over them (pareto.ts). `params` and
// `flops` are counted from the architecture, `latency` is measured on the backend that trains
// (seconds of inference per sample); all three are minimised. Values are oriented so that
// larger is better before any comparison.

import { InvalidArgumentError } from '../../errors.js';
import { didYouMean } from '../../util/did-you-mean.js';

export const kObjectiveNames = ['score', 'params', 'flops', 'latency'] as const;
export type ObjectiveName = (typeof kObjectiveNames)[number];

export const kObjectiveSense: Readonly<Record<ObjectiveName, 'max' | 'min'>> = {
  score: 'max',
  params: 'min',
  flops: 'min',
  latency: 'min',
};

/** A candidate's measured value of each objective it was evaluated on. */
export type ObjectiveValues = Partial<Record<ObjectiveName, number>>;

/** The objectives of `--objective score,params` (or a list of names), checked. */
export function parseObjectives(given: string | readonly string[]): ObjectiveName[] {
  const names = (typeof given === 'string' ? given.split(',') : [...given]).map((n) => n.trim());
  const seen = new Set<ObjectiveName>();
  for (const name of names) {
    if (!(kObjectiveNames as readonly string[]).includes(name)) {
      const near = didYouMean(name, kObjectiveNames);
      throw new InvalidArgumentError(
        `unknown objective '${name}'${near ? `: did you mean '${near}'?` : ''} (objectives: ${kObjectiveNames.join(', ')})`,
        { details: { option: 'objective', value: name, suggestion: near } },
      );
    }
    if (seen.has(name as ObjectiveName)) {
      throw new InvalidArgumentError(`objective '${name}' is named twice`, { details: { option: 'objective', value: name } });
    }
    seen.add(name as ObjectiveName);
  }
  if (seen.size === 0) throw new InvalidArgumentError('--objective needs at least one objective', { details: { option: 'objective' } });
  return [...seen];
}

/** The values of `objectives`, larger is better on each (a missing value is NaN: the worst). */
export function orientedObjectives(values: ObjectiveValues, objectives: readonly ObjectiveName[]): number[] {
  return objectives.map((name) => {
    const value = values[name] ?? Number.NaN;
    return kObjectiveSense[name] === 'max' ? value : -value;
  });
}
