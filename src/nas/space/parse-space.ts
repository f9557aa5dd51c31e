// nas/space/parse-space.ts: reads a search space from JSON (a file or a parsed value) and checks
// every field, naming the JSON path of the first bad one and what was expected, e.g.
// `$.nodes[1].ops[0].units: expected a positive integer, got -3`. Past this door the space
// is trusted. Also checks a space against a data shape before any work starts.

import { readFileSync } from 'node:fs';
import type { Activation } from '../../train/index.js';
import { SearchSpaceError } from '../errors.js';
import type { ChoiceOp, SearchSpace, SkipRule, VariableNode } from './search-space.js';
import { keepsSpatialShape, shapeAfter, type Shape } from './shapes.js';

const kActivations: readonly Activation[] = ['linear', 'relu', 'tanh', 'sigmoid', 'softmax', 'elu', 'selu', 'swish'];
const kOps = ['dense', 'conv1d', 'conv2d', 'maxpool1d', 'avgpool1d', 'maxpool2d', 'avgpool2d', 'dropout', 'batchnorm', 'activation', 'flatten', 'reshape', 'identity'] as const;
/** Past this many distinct shapes at one node the fit check stops enumerating (it is a check, not a proof). */
const kMaxShapesPerNode = 512;
/** Sane bounds, far above any real layer, so a typo (`"units": 1e12`) is refused at the door. */
const kMaxWidth = 65_536;
const kMaxWindow = 64;
const kMaxSize = 1_000_000;

export function readSearchSpaceFile(file: string): SearchSpace {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new SearchSpaceError(`cannot read search-space file ${file}: ${(cause as Error).message}`, { cause, details: { file } });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new SearchSpaceError(`${file} is not valid JSON: ${(cause as Error).message}`, { cause, details: { file, path: '$' } });
  }
  return parseSearchSpace(value, file);
}

/** Validates a parsed JSON value as a search space; `source` names it in messages. */
export function parseSearchSpace(value: unknown, source = 'search space'): SearchSpace {
  const fail = (path: string, expected: string, got: unknown): never => {
    throw new SearchSpaceError(`${source}: ${path}: expected ${expected}, got ${describe(got)}`, { details: { source, path } });
  };
  const obj = (v: unknown, path: string): Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : fail(path, 'an object', v);
  const known = (o: Record<string, unknown>, path: string, keys: readonly string[]): void => {
    for (const k of Object.keys(o)) if (!keys.includes(k)) fail(`${path}.${k}`, `one of the fields ${keys.join(', ')}`, k);
  };
  const posInt = (v: unknown, path: string, max = kMaxSize): number =>
    Number.isInteger(v) && (v as number) > 0 && (v as number) <= max ? (v as number) : fail(path, `a positive integer up to ${max}`, v);

  const op = (v: unknown, path: string): ChoiceOp => {
    const o = obj(v, path);
    const kind = o.op;
    if (typeof kind !== 'string' || !(kOps as readonly string[]).includes(kind)) return fail(`${path}.op`, `one of ${kOps.join(', ')}`, kind);
    const activation = (key: string, required: boolean): Activation | undefined => {
      const a = o[key];
      if (a === undefined && !required) return undefined;
      return typeof a === 'string' && (kActivations as readonly string[]).includes(a) ? (a as Activation) : fail(`${path}.${key}`, `one of ${kActivations.join(', ')}`, a);
    };
    switch (kind) {
      case 'dense': {
        known(o, path, ['op', 'units', 'activation']);
        const a = activation('activation', false);
        return { op: 'dense', units: posInt(o.units, `${path}.units`, kMaxWidth), ...(a ? { activation: a } : {}) };
      }
      case 'conv1d':
      case 'conv2d': {
        known(o, path, ['op', 'filters', 'kernelSize', 'strides', 'padding', 'activation']);
        const padding = o.padding === undefined ? undefined : o.padding === 'same' || o.padding === 'valid' ? o.padding : fail(`${path}.padding`, "'same' or 'valid'", o.padding);
        const a = activation('activation', false);
        return {
          op: kind,
          filters: posInt(o.filters, `${path}.filters`, kMaxWidth),
          kernelSize: posInt(o.kernelSize, `${path}.kernelSize`, kMaxWindow),
          ...(o.strides === undefined ? {} : { strides: posInt(o.strides, `${path}.strides`, kMaxWindow) }),
          ...(padding ? { padding } : {}),
          ...(a ? { activation: a } : {}),
        };
      }
      case 'maxpool1d':
      case 'avgpool1d':
      case 'maxpool2d':
      case 'avgpool2d':
        known(o, path, ['op', 'poolSize']);
        return { op: kind, poolSize: posInt(o.poolSize, `${path}.poolSize`, kMaxWindow) } as ChoiceOp;
      case 'dropout': {
        known(o, path, ['op', 'rate']);
        const r = o.rate;
        return typeof r === 'number' && r >= 0 && r < 1 ? { op: 'dropout', rate: r } : fail(`${path}.rate`, 'a number in [0, 1)', r);
      }
      case 'activation':
        known(o, path, ['op', 'activation']);
        return { op: 'activation', activation: activation('activation', true)! };
      case 'reshape': {
        known(o, path, ['op', 'targetShape']);
        const t = o.targetShape;
        if (!Array.isArray(t) || t.length === 0) return fail(`${path}.targetShape`, 'a non-empty array of positive integers', t);
        return { op: 'reshape', targetShape: t.map((n, k) => posInt(n, `${path}.targetShape[${k}]`)) };
      }
      default:
        known(o, path, ['op']);
        return { op: kind } as ChoiceOp;
    }
  };

  const root = obj(value, '$');
  known(root, '$', ['name', 'prelude', 'nodes', 'skips']);
  const name = typeof root.name === 'string' && root.name.length > 0 ? root.name : fail('$.name', 'a non-empty string', root.name);
  const preludeRaw = root.prelude ?? [];
  if (!Array.isArray(preludeRaw)) fail('$.prelude', 'an array of ops', preludeRaw);
  const prelude = (preludeRaw as unknown[]).map((v, k) => op(v, `$.prelude[${k}]`));
  if (!Array.isArray(root.nodes) || root.nodes.length === 0) fail('$.nodes', 'a non-empty array of variable nodes', root.nodes);
  const names = new Set<string>();
  const nodes: VariableNode[] = (root.nodes as unknown[]).map((v, i) => {
    const path = `$.nodes[${i}]`;
    const n = obj(v, path);
    known(n, path, ['name', 'ops']);
    const nodeName = n.name === undefined ? `n${i}` : typeof n.name === 'string' && /^[A-Za-z][\w-]*$/.test(n.name) ? n.name : fail(`${path}.name`, 'a name of letters, digits, _ or -, starting with a letter', n.name);
    if (names.has(nodeName) || nodeName === 'input' || nodeName.startsWith('output') || nodeName.startsWith('prelude')) fail(`${path}.name`, 'a name not used by another node', nodeName);
    names.add(nodeName);
    if (!Array.isArray(n.ops) || n.ops.length === 0) return fail(`${path}.ops`, 'a non-empty array of op choices', n.ops);
    return { name: nodeName, ops: (n.ops as unknown[]).map((o, k) => op(o, `${path}.ops[${k}]`)) };
  });
  let skips: SkipRule | null = null;
  if (root.skips !== undefined && root.skips !== null) {
    const s = obj(root.skips, '$.skips');
    known(s, '$.skips', ['merge', 'maxDistance']);
    const merge = s.merge === 'add' || s.merge === 'concatenate' ? s.merge : fail('$.skips.merge', "'add' or 'concatenate'", s.merge);
    skips = { merge, maxDistance: posInt(s.maxDistance, '$.skips.maxDistance') };
    nodes.forEach((n, i) =>
      n.ops.forEach((o, k) => {
        if (!keepsSpatialShape(o)) fail(`$.nodes[${i}].ops[${k}]`, `an op that keeps the spatial shape, since skip connections merge outputs (${o.op} changes it)`, o);
      }),
    );
  }
  return { name, prelude, nodes, skips };
}

/**
 * Checks that every op choice of the space fits the shapes it can receive from data of
 * `inputShape`, so a bad pairing of space and data fails before any work starts.
 */
export function checkSpaceFits(space: SearchSpace, inputShape: number[]): void {
  let shapes: Shape[] = [inputShape];
  const step = (ops: readonly ChoiceOp[], where: (k: number) => string): void => {
    const next = new Map<string, Shape>();
    for (const s of shapes) {
      ops.forEach((o, k) => {
        const r = shapeAfter(o, s);
        if (typeof r === 'string') throw new SearchSpaceError(`search space '${space.name}' does not fit data of shape [${inputShape.join(', ')}]: ${where(k)}: ${r}`, { details: { space: space.name, inputShape } });
        if (next.size < kMaxShapesPerNode) next.set(r.join(','), r);
      });
    }
    shapes = [...next.values()];
  };
  space.prelude.forEach((o, k) => step([o], () => `prelude[${k}]`));
  // With skips every op keeps the spatial shape (the parser enforces it) and merges change
  // only the last dimension, which no op here constrains: checking the chain is enough.
  space.nodes.forEach((n, i) => step(n.ops, (k) => `nodes[${i}] ('${n.name}') op ${k}`));
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  let s: string;
  try {
    s = JSON.stringify(v);
  } catch {
    return 'a value nested too deeply to show';
  }
  return s.length > 60 ? s.slice(0, 57) + '...' : s;
}
