// test/store/arch-gen.ts: random NAS-like architectures as layer-id sequences, shared by the
// store's tests and benchmark. A choice vector picks, per node, an op and an optional skip
// input from an earlier node; a layer's id hashes its op and its inputs' ids, so two models
// share exactly the leading layers before their first differing choice, as NAS candidates do.

import { createHash } from 'node:crypto';
import type { RandomSource as Random } from 'graft/util';

export interface ArchSpace {
  nodes: number;
  ops: number;
}


/** [op, skip] per node; skip -1 is none, else the index of an earlier node (not the previous). */
export type Choices = Array<[number, number]>;

export function randomChoices(space: ArchSpace, rand: Random): Choices {
  return Array.from({ length: space.nodes }, (_, i) => [Math.floor(rand() * space.ops), randomSkip(i, rand)]);
}

/** The regularized-evolution step: one node's op or skip changes. */
export function mutate(parent: Choices, space: ArchSpace, rand: Random): Choices {
  const child = parent.map(([o, s]) => [o, s] as [number, number]);
  const i = Math.floor(rand() * space.nodes);
  if (rand() < 0.5 || i < 2) child[i]![0] = (child[i]![0] + 1 + Math.floor(rand() * (space.ops - 1))) % space.ops;
  else child[i]![1] = randomSkip(i, rand);
  return child;
}

/** Layer ids in topological order (the input stem first, the head last). */
export function layerIdsOf(choices: Choices): string[] {
  const ids: string[] = [hash('stem')];
  choices.forEach(([op, skip], i) => {
    const inputs = [ids[i]!];
    if (skip >= 0) inputs.push(ids[skip + 1]!);
    ids.push(hash(`op${op}|${inputs.join(',')}`));
  });
  ids.push(hash(`head|${ids.at(-1)}`));
  return ids;
}

function randomSkip(i: number, rand: Random): number {
  return i >= 2 && rand() < 0.4 ? Math.floor(rand() * (i - 1)) : -1;
}

function hash(s: string): string {
  return createHash('sha1').update(s).digest('hex').slice(0, 16);
}

/** A population grown like a NAS run: some random models, most mutated from earlier ones. */
export function population(count: number, space: ArchSpace, rand: Random): Choices[] {
  const out: Choices[] = [];
  for (let i = 0; i < count; i++) {
    out.push(out.length < 8 || rand() < 0.2 ? randomChoices(space, rand) : mutate(out[Math.floor(rand() * out.length)]!, space, rand));
  }
  return out;
}
