// runtime/head.ts: what only the driver rank knows: every rank's capacity and load, the actor
// ids, and the names. It places each actor with the placement policy, reserves its resources
// and name before asking the chosen rank to create it, and gives them back when the actor is
// gone. Knows ranks as numbers; talks to them only through the callbacks it is given.

import { log } from '../util/log.js';
import { ActorNameTakenError, ActorNotFoundError, PlacementError } from './errors.js';
import type { PlacementPolicy, RankLoad } from './placement.js';
import type { ActorRef, ActorStatus, RankInfo, RankReplies, Resources, RuntimeStatus, SpawnSpec } from './protocol.js';

export interface HeadRanks {
  create(rank: number, actor: ActorRef, spec: SpawnSpec): Promise<void>;
  list(rank: number): Promise<RankReplies['list']>;
}

interface Placed {
  rank: number;
  resources: Resources;
  name?: string;
}

export class Head {
  readonly #driverRank: number;
  readonly #loads: RankLoad[];
  readonly #policy: PlacementPolicy;
  readonly #ranks: HeadRanks;
  readonly #placed = new Map<number, Placed>();
  readonly #names = new Map<string, ActorRef>();
  #nextId = 1;

  constructor(driverRank: number, ranks: RankInfo[], policy: PlacementPolicy, calls: HeadRanks) {
    this.#driverRank = driverRank;
    this.#loads = ranks.map((info) => ({ ...info, used: { cpu: 0, gpu: 0, memoryMB: 0 }, actors: 0 }));
    this.#policy = policy;
    this.#ranks = calls;
  }

  async spawn(spec: SpawnSpec): Promise<ActorRef> {
    const { options } = spec;
    if (options.name !== undefined && this.#names.has(options.name)) {
      throw new ActorNameTakenError(`an actor named '${options.name}' already exists`, { details: { name: options.name } });
    }
    const rank = this.#policy({ resources: options.resources, rank: options.rank, strategy: options.strategy }, this.#loads);
    if (!this.#loads.some((load) => load.rank === rank)) {
      throw new PlacementError(`the placement policy chose rank ${String(rank)}, which is not in the job`, { details: { rank } });
    }
    const id = this.#nextId++;
    const ref: ActorRef = {
      id,
      rank,
      className: spec.className,
      ...(options.name !== undefined ? { name: options.name } : {}),
      maxTaskRetries: options.maxTaskRetries,
    };
    // Reserve before the (slow) create, so concurrent spawns see each other.
    this.#reserve(id, { rank, resources: options.resources, ...(options.name !== undefined ? { name: options.name } : {}) });
    if (options.name !== undefined) this.#names.set(options.name, ref);
    log('info', 'runtime.spawn', { actor: id, rank, className: spec.className, name: options.name });
    try {
      await this.#ranks.create(rank, ref, spec);
    } catch (err) {
      this.gone(id);
      throw err;
    }
    return ref;
  }

  lookup(name: string): ActorRef {
    const ref = this.#names.get(name);
    if (!ref) throw new ActorNotFoundError(`no live actor is named '${name}'`, { details: { name } });
    return ref;
  }

  /** The actor is dead for good: its resources and name are free again. */
  gone(id: number): void {
    const placed = this.#placed.get(id);
    if (!placed) return;
    this.#placed.delete(id);
    const load = this.#loads.find((l) => l.rank === placed.rank)!;
    load.used = subtract(load.used, placed.resources);
    load.actors--;
    if (placed.name !== undefined && this.#names.get(placed.name)?.id === id) this.#names.delete(placed.name);
  }

  async status(): Promise<RuntimeStatus> {
    const lists = await Promise.all(this.#loads.map((load) => this.#ranks.list(load.rank)));
    const actors: ActorStatus[] = lists.flatMap((list) => list.actors).sort((a, b) => a.id - b.id);
    return {
      driverRank: this.#driverRank,
      ranks: this.#loads.map((load, i) => ({ ...load, gpus: [...load.gpus], used: { ...load.used }, objects: lists[i]!.objects })),
      actors,
    };
  }

  #reserve(id: number, placed: Placed): void {
    this.#placed.set(id, placed);
    const load = this.#loads.find((l) => l.rank === placed.rank)!;
    load.used = add(load.used, placed.resources);
    load.actors++;
  }
}

function add(a: Resources, b: Resources): Resources {
  return { cpu: a.cpu + b.cpu, gpu: a.gpu + b.gpu, memoryMB: a.memoryMB + b.memoryMB };
}

function subtract(a: Resources, b: Resources): Resources {
  return { cpu: a.cpu - b.cpu, gpu: a.gpu - b.gpu, memoryMB: a.memoryMB - b.memoryMB };
}
