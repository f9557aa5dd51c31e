// nas/space/search-space.ts: what a search space is (DeepHyper-style): fixed prelude ops after the
// input, then an ordered list of variable nodes, each a list of op choices, and optionally skip
// connections from up to `maxDistance` earlier outputs merged into a node's output by add or
// concatenate. An architecture is one choice index per variable, in node order, so a change
// late in the vector keeps a long common prefix of layers. Knows nothing of tfjs or files.

import type { LayerOp } from '../../train/index.js';

export type MergeKind = 'add' | 'concatenate';

/** The ops a variable node may choose among (merges are placed by the skip rule, not chosen). */
export type ChoiceOp = Exclude<LayerOp, { op: 'add' } | { op: 'concatenate' }>;

export interface VariableNode {
  name: string;
  ops: ChoiceOp[];
}

export interface SkipRule {
  /** How the selected skip sources join a node's output. */
  merge: MergeKind;
  /** Node i may take a skip from the outputs of nodes i-1 … i-maxDistance (-1 is the prelude). */
  maxDistance: number;
}

export interface SearchSpace {
  name: string;
  /** Fixed ops applied to the input before the first variable node (e.g. flatten, reshape). */
  prelude: ChoiceOp[];
  nodes: VariableNode[];
  skips: SkipRule | null;
}

/** One position of an architecture vector. */
export interface Variable {
  /** Index of the node the variable belongs to. */
  node: number;
  kind: 'op' | 'skip';
  /** For a skip: how many outputs back the source is (1 = the previous node's output). */
  distance: number;
  /** Number of values: the op count, or 2 for a skip (0 = absent, 1 = present). */
  choices: number;
}

/** The variables of a space, in vector order: each node's op, then its skip bits. */
export function variablesOf(space: SearchSpace): Variable[] {
  const vars: Variable[] = [];
  space.nodes.forEach((node, i) => {
    vars.push({ node: i, kind: 'op', distance: 0, choices: node.ops.length });
    for (const distance of skipDistances(space, i)) vars.push({ node: i, kind: 'skip', distance, choices: 2 });
  });
  return vars;
}

/** Distances of the skip sources node `i` may take: back to the prelude output at most. */
export function skipDistances(space: SearchSpace, i: number): number[] {
  if (!space.skips) return [];
  const out: number[] = [];
  for (let d = 1; d <= space.skips.maxDistance && i - d >= -1; d++) out.push(d);
  return out;
}

/** Checks that `choices` is a vector of this space, with a message naming the bad position. */
export function checkVector(space: SearchSpace, choices: readonly number[]): string | null {
  const vars = variablesOf(space);
  if (choices.length !== vars.length) return `has ${choices.length} entries, the space '${space.name}' has ${vars.length} variables`;
  for (let k = 0; k < vars.length; k++) {
    const v = choices[k]!;
    if (!Number.isInteger(v) || v < 0 || v >= vars[k]!.choices) return `entry ${k} is ${v}, expected an integer in [0, ${vars[k]!.choices})`;
  }
  return null;
}
