// nas/evaluation/model-id.ts: how a candidate is named in the layer store. Records, tasks and
// proposals name a candidate by its CandidateId (a number); the store keys a stored model by a
// string, which for a candidate of this search is its id in decimal, and for a model loaded
// from an earlier search (`--donors-from`) names that run too. This is the one place where the
// two forms meet.

import type { CandidateId } from '../run/index.js';

const kExternalId = /^run(\d+)#(\d+)$/;

/** The store's model id of candidate `id` of this search. */
export function modelIdOf(id: CandidateId): string {
  return String(id);
}

/** The store's model id for candidate `id` of the `index`-th `--donors-from` run. */
export function externalModelId(index: number, id: CandidateId): string {
  return `run${index}#${id}`;
}

/** A stored model id as the journal names a donor: a candidate id, and the run when it is another. */
export function donorOf(modelId: string, runs: readonly string[]): { donorId: CandidateId; donorRun?: string } {
  const m = kExternalId.exec(modelId);
  if (m) return { donorId: Number(m[2]), donorRun: runs[Number(m[1])] ?? `run${m[1]}` };
  return { donorId: Number(modelId) };
}
