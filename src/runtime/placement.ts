// runtime/placement.ts: choosing a rank for an actor. A policy is a plain function from the
// request and every rank's capacity and use to a rank; the default honours an explicit rank,
// else spreads (fewest actors first) or packs (lowest rank that fits). Knows nothing of threads.

import type { PlacementStrategy, RankInfo, Resources } from './protocol.js';
import { PlacementError } from './errors.js';

export interface PlacementRequest {
  resources: Resources;
  rank?: number;
  strategy: PlacementStrategy;
}

export interface RankLoad extends RankInfo {
  used: Resources;
  actors: number;
}

/** Returns the chosen rank or throws a PlacementError saying why none fits. */
export type PlacementPolicy = (request: PlacementRequest, ranks: readonly RankLoad[]) => number;

export function fits(request: Resources, rank: RankLoad): boolean {
  return (
    rank.used.cpu + request.cpu <= rank.cpus + 1e-9 &&
    rank.used.gpu + request.gpu <= rank.gpus.length &&
    rank.used.memoryMB + request.memoryMB <= rank.memoryMB + 1e-9
  );
}

export const defaultPlacement: PlacementPolicy = (request, ranks) => {
  const wanted = request.resources;
  if (request.rank !== undefined) {
    const target = ranks.find((r) => r.rank === request.rank);
    if (!target || !fits(wanted, target)) throw noRoom(request, target ? [target] : []);
    return target.rank;
  }
  const candidates = ranks.filter((r) => fits(wanted, r));
  if (candidates.length === 0) throw noRoom(request, ranks);
  const best = candidates.reduce((a, b) => {
    if (request.strategy === 'spread') return b.actors < a.actors ? b : a;
    return b.actors > a.actors ? b : a; // pack: keep filling the busiest rank that still fits
  });
  return best.rank;
};

function noRoom(request: PlacementRequest, ranks: readonly RankLoad[]): PlacementError {
  const { cpu, gpu, memoryMB } = request.resources;
  const free = ranks.map((r) => ({
    rank: r.rank,
    cpu: r.cpus - r.used.cpu,
    gpu: r.gpus.length - r.used.gpu,
    memoryMB: r.memoryMB - r.used.memoryMB,
  }));
  const maxGpus = Math.max(0, ...ranks.map((r) => r.gpus.length));
  const where = request.rank === undefined ? 'no rank' : `rank ${request.rank}`;
  const why = gpu > maxGpus ? ` (${gpu} GPU(s) requested, at most ${maxGpus} on ${request.rank === undefined ? 'any rank' : 'it'})` : '';
  return new PlacementError(`${where} can hold an actor needing cpu=${cpu} gpu=${gpu} memoryMB=${memoryMB}${why}`, {
    details: { requested: request.resources, rank: request.rank, free },
  });
}
