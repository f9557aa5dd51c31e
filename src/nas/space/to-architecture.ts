// nas/space/to-architecture.ts: turns an architecture vector of a search space into the model
// builder's Architecture for a given data shape. Node i's output is its op applied to node
// i-1's output, merged (add or concatenate) with the skip sources its bits select; an add
// whose source width differs gets a linear dense projection first, as DeepHyper's
// AddByProjecting does. Identity choices (and flattening what is flat) add no layer; the model builder adds the output head
// (and the flatten before it). Deterministic: the same vector always gives the same node list.

import type { Architecture, ArchNode, TaskKind } from '../../train/index.js';
import { SearchSpaceError } from '../errors.js';
import { checkVector, skipDistances, type SearchSpace } from './search-space.js';
import { sameShape, shapeAfter, type Shape } from './shapes.js';

export interface DataShape {
  /** One sample's shape without the batch dimension. */
  inputShape: number[];
  output: { units: number; task: TaskKind };
}

interface Out {
  name: string;
  shape: Shape;
}

export function toArchitecture(space: SearchSpace, choices: readonly number[], data: DataShape): Architecture {
  const bad = checkVector(space, choices);
  if (bad) throw new SearchSpaceError(`architecture vector ${bad}`, { details: { choices: [...choices] } });
  const nodes: ArchNode[] = [];
  let current: Out = { name: 'input', shape: [...data.inputShape] };

  const place = (name: string, op: ArchNode['op'], inputs: Out[], where: string): Out => {
    const shape = shapeAfter(op, inputs[0]!.shape);
    if (typeof shape === 'string') throw new SearchSpaceError(`${where}: ${shape}`, { details: { space: space.name, choices: [...choices] } });
    nodes.push({ name, op, inputs: inputs.map((i) => i.name) });
    return { name, shape };
  };

  space.prelude.forEach((op, k) => {
    if (!isNoOp(op, current.shape)) current = place(`prelude${k}`, op, [current], `prelude op ${k} (${op.op})`);
  });

  // outputs[0] is the prelude's output (distance i+1 from node i); outputs[j+1] is node j's.
  const outputs: Out[] = [current];
  let pos = 0;
  space.nodes.forEach((node, i) => {
    const op = node.ops[choices[pos++]!]!;
    const where = `node '${node.name}' choice ${choices[pos - 1]} (${op.op})`;
    let out = isNoOp(op, current.shape) ? current : place(node.name, op, [current], where);
    const sources: Out[] = [];
    for (const d of skipDistances(space, i)) {
      if (choices[pos++] === 1) sources.push(outputs[i + 1 - d]!);
    }
    const distinct = sources.filter((s, k) => s.name !== out.name && sources.findIndex((t) => t.name === s.name) === k);
    if (distinct.length > 0) out = merge(node.name, out, distinct, space, nodes, where);
    outputs.push(out);
    current = out;
  });

  return { inputShape: [...data.inputShape], nodes, outputFrom: current.name, output: { ...data.output } };
}

/**
 * Ops that would not change their input add no layer: identity, and a flatten of what is
 * already flat (which tfjs would refuse), so a space with a flatten prelude fits tabular data.
 */
function isNoOp(op: ArchNode['op'], shape: Shape): boolean {
  return op.op === 'identity' || (op.op === 'flatten' && shape.length === 1);
}

function merge(name: string, main: Out, sources: Out[], space: SearchSpace, nodes: ArchNode[], where: string): Out {
  const kind = space.skips!.merge;
  const spatial = main.shape.slice(0, -1);
  const width = main.shape[main.shape.length - 1]!;
  const inputs: string[] = [main.name];
  let total = width;
  for (const s of sources) {
    if (!sameShape(s.shape.slice(0, -1), spatial)) {
      throw new SearchSpaceError(`${where}: a skip from '${s.name}' [${s.shape.join(', ')}] cannot merge with [${main.shape.join(', ')}]`);
    }
    const w = s.shape[s.shape.length - 1]!;
    if (kind === 'add' && w !== width) {
      const proj = `${name}_proj_${s.name}`;
      nodes.push({ name: proj, op: { op: 'dense', units: width, activation: 'linear' }, inputs: [s.name] });
      inputs.push(proj);
    } else {
      inputs.push(s.name);
      total += w;
    }
  }
  const mergeName = `${name}_${kind}`;
  nodes.push({ name: mergeName, op: { op: kind }, inputs });
  return { name: mergeName, shape: kind === 'add' ? main.shape : [...spatial, total] };
}
