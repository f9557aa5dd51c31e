// nas/evaluation/donor-rules.ts: which of a donor's layers go into which layers of a candidate, by rule
// (`--transfer`). 'prefix' and 'parent' take the donor's layers whose id the candidate has
// (the same layer on the same upstream sub-graph). 'shape' adds, past the shared prefix, the
// donor's layer at the same position among the weighted layers when its op and every tensor
// shape match (weight inheritance as in Real et al. 2017, "Large-Scale Evolution of Image
// Classifiers"). 'partial' also takes a layer of the same op and tensor names whose widths
// differ: the loader copies the overlapping slice (Net2Net-style). Pure: knows layer ids and
// shapes, not tfjs or where the bytes are.

import type { LayerRef } from '../../store/index.js';
import type { TransferRule } from '../run/evaluation-record.js';

/** A weighted layer of the candidate: its id (= tfjs layer name) and its tensors' shapes. */
export interface CandidateLayer {
  name: string;
  tensors: ReadonlyArray<{ name: string; shape: readonly number[] }>;
}

export interface TransferPlan {
  /** The donor layers to fetch. */
  refs: LayerRef[];
  /** Donor layer id → the candidate layer it loads into. */
  targets: Map<string, string>;
}

/** The op of a layer id: ids are `<op>-<hash>` (train/layer-ids.ts). */
function opOf(layerId: string): string {
  return layerId.slice(0, layerId.lastIndexOf('-'));
}

function sameTensors(a: CandidateLayer, b: LayerRef, shapes: 'equal' | 'rank'): boolean {
  if (a.tensors.length !== b.tensors.length) return false;
  return a.tensors.every((t) => {
    const d = b.tensors.find((x) => x.name === t.name);
    if (!d || d.shape.length !== t.shape.length) return false;
    return shapes === 'rank' || d.shape.every((n, i) => n === t.shape[i]);
  });
}

/**
 * The plan for `rule` given the candidate's weighted layers and the donor's (both in model
 * order). Layers shared by id always transfer; 'shape' and 'partial' then pair the remaining
 * layers position by position.
 */
export function planTransfer(rule: Exclude<TransferRule, 'none'>, candidate: readonly CandidateLayer[], donor: readonly LayerRef[]): TransferPlan {
  const names = new Set(candidate.map((l) => l.name));
  const targets = new Map<string, string>();
  const refs: LayerRef[] = [];
  for (const ref of donor) {
    if (names.has(ref.layerId) && !targets.has(ref.layerId)) {
      targets.set(ref.layerId, ref.layerId);
      refs.push(ref);
    }
  }
  if (rule === 'shape' || rule === 'partial') {
    const taken = new Set(targets.values());
    const n = Math.min(candidate.length, donor.length);
    for (let i = 0; i < n; i++) {
      const c = candidate[i]!;
      const d = donor[i]!;
      if (taken.has(c.name) || targets.has(d.layerId) || opOf(c.name) !== opOf(d.layerId)) continue;
      if (!sameTensors(c, d, rule === 'shape' ? 'equal' : 'rank')) continue;
      targets.set(d.layerId, c.name);
      taken.add(c.name);
      refs.push(d);
    }
  }
  return { refs, targets };
}
