// nas/evaluation/spawn-actors.ts: starts one phase's actors (the search's training actors, the top-K
// phase's) on every rank and waits until each is ready. Sizing is the same for both: a set
// number per rank, or with 0 one per GPU of the rank, each holding its GPU (the runtime pins
// it), and one on a rank without GPUs.

import type { Runtime } from '../../runtime/index.js';
import { log } from '../../util/log.js';
import { SearchAbortedError } from '../errors.js';

export interface ActorSlot {
  rank: number;
  /** The actor's index on its rank. */
  index: number;
  resources: { gpu?: number };
}

export interface SpawnPlan<T> {
  /** Actors per rank; 0: one per GPU, 1 without GPUs. */
  perRank: number;
  /** What the actors are, for messages: 'training', 'top-K'. */
  kind: string;
  /** Spawns the actor for a slot and resolves once it is ready. */
  start(slot: ActorSlot): Promise<T>;
  /** Spawn no more than this many in all (default: no limit). */
  limit?: number;
}

/** The actors that started; rejects with SearchAbortedError only when none did. */
export async function spawnOnEveryRank<T>(runtime: Runtime, plan: SpawnPlan<T>): Promise<T[]> {
  const ranks = (await runtime.status()).ranks;
  const limit = plan.limit ?? Infinity;
  const spawns: Array<Promise<T>> = [];
  for (const r of ranks) {
    const count = plan.perRank > 0 ? plan.perRank : Math.max(1, r.gpus.length);
    const resources = plan.perRank === 0 && r.gpus.length > 0 ? { gpu: 1 } : {};
    for (let index = 0; index < count && spawns.length < limit; index++) spawns.push(plan.start({ rank: r.rank, index, resources }));
  }
  const settled = await Promise.allSettled(spawns);
  const actors = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  for (const s of settled) if (s.status === 'rejected') log('error', 'nas.actor.failed', { kind: plan.kind, error: s.reason });
  if (actors.length === 0) {
    const first = settled.find((s) => s.status === 'rejected') as PromiseRejectedResult;
    throw new SearchAbortedError(`no ${plan.kind} actor started: ${(first.reason as Error)?.message ?? first.reason}`, { cause: first.reason });
  }
  return actors;
}
