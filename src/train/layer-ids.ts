// train/layer-ids.ts: stable layer ids. A layer's id hashes its own config (defaults filled
// in, name left out) and the ids of its inputs, so two layers share an id exactly when they
// and their whole upstream sub-graph are identical (DStore, ICS'23). Ids double as the tfjs
// layer names, so they match tfjs's tensor-name rule: `<op>-<16 hex digits>`.

import { createHash } from 'node:crypto';
import type { Architecture } from './architecture.js';
import { checkArchitecture, kInputNode, type CheckedNode } from './architecture-check.js';

export interface LayerIdEntry {
  /** The architecture node's name, or 'input', 'output-flatten', 'output' for the builder's own. */
  node: string;
  layerId: string;
}

/** Every layer of the model built from `arch`, in topological order, with its id. */
export function layerIds(arch: Architecture): LayerIdEntry[] {
  return assignIds(checkArchitecture(arch)).map(({ node, layerId }) => ({ node: node.name, layerId }));
}

/** Ids for already-checked nodes (the builder uses this to avoid checking twice). */
export function assignIds(nodes: CheckedNode[]): Array<{ node: CheckedNode; layerId: string }> {
  const byName = new Map<string, string>();
  const used = new Set<string>();
  return nodes.map((node) => {
    // The model input is described by its shape alone; it is the root of every id.
    const config = node.name === kInputNode ? { op: 'input', shape: node.shape } : node.op;
    const inputs = node.inputs.map((input) => byName.get(input)!);
    let layerId = hashId(config, inputs, 0);
    // Two identical layers on identical inputs (parallel twin branches) would collide; the
    // second gets an occurrence count in its hash, which stays stable across candidates that
    // repeat the same twins in the same order.
    for (let occurrence = 1; used.has(layerId); occurrence++) layerId = hashId(config, inputs, occurrence);
    used.add(layerId);
    byName.set(node.name, layerId);
    return { node, layerId };
  });
}

function hashId(config: { op: string }, inputs: string[], occurrence: number): string {
  const text = canonicalJson({ config, inputs, ...(occurrence > 0 ? { occurrence } : {}) });
  return `${config.op}-${createHash('sha256').update(text).digest('hex').slice(0, 16)}`;
}

/** JSON with object keys sorted, so equal configs hash equally whatever their key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
