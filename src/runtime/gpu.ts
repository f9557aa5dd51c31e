// runtime/gpu.ts: a rank's GPU inventory and its allocation to actors. The inventory comes
// from the scheduler (CUDA_VISIBLE_DEVICES), else from `nvidia-smi -L`, optionally narrowed by
// configuration; graft never adds a device the scheduler did not grant. Each GPU actor gets
// devices nobody else on the rank holds. Pure apart from the probe, so tests invent inventories.

import { execFileSync } from 'node:child_process';
import { InvalidArgumentError } from '../errors.js';
import { PlacementError } from './errors.js';

export interface GpuSources {
  /** The scheduler's CUDA_VISIBLE_DEVICES, if set. */
  visibleDevices?: string;
  /** Output of `nvidia-smi -L`, or undefined when it is missing or fails. */
  nvidiaSmi?: () => string | undefined;
  /** Configuration override: a count, or device ids. */
  override?: number | string[];
}

/**
 * Device ids from CUDA_VISIBLE_DEVICES: undefined when unset (nothing said), [] when it hides
 * every device ('', '-1', 'NoDevFiles'). CUDA stops at the first invalid entry; so do we.
 */
export function parseVisibleDevices(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const ids: string[] = [];
  for (const raw of value.split(',')) {
    const id = raw.trim();
    if (id === '' || id === 'NoDevFiles' || /^-\d+$/.test(id)) break;
    ids.push(id);
  }
  return ids;
}

/** Device indices listed by `nvidia-smi -L` ("GPU 0: NVIDIA H100 (UUID: GPU-…)"). */
export function parseNvidiaSmiList(text: string): string[] {
  const ids: string[] = [];
  for (const line of text.split('\n')) {
    const match = /^GPU (\d+):/.exec(line.trim());
    if (match) ids.push(match[1]!);
  }
  return ids;
}

export function probeNvidiaSmi(): string | undefined {
  try {
    return execFileSync('nvidia-smi', ['-L'], { encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return undefined;
  }
}

/** The rank's inventory: the scheduler's grant (or what the driver lists), narrowed by the override. */
export function detectGpuInventory(sources: GpuSources): string[] {
  const granted = parseVisibleDevices(sources.visibleDevices);
  const listed = granted === undefined ? sources.nvidiaSmi?.() : undefined;
  const known = granted ?? (listed === undefined ? undefined : parseNvidiaSmiList(listed));
  const { override } = sources;
  if (override === undefined) return known ?? [];
  if (typeof override === 'number') {
    if (known !== undefined && override > known.length) {
      throw new InvalidArgumentError(`gpus: ${override} requested but only ${known.length} visible (${known.join(',') || 'none'}); graft narrows, never widens`, {
        details: { option: 'gpus', visible: known },
      });
    }
    return known === undefined ? Array.from({ length: override }, (_, i) => String(i)) : known.slice(0, override);
  }
  if (known !== undefined) {
    const extra = override.filter((id) => !known.includes(id));
    if (extra.length > 0) {
      throw new InvalidArgumentError(`gpus: ${extra.join(',')} not among the visible devices (${known.join(',') || 'none'}); graft narrows, never widens`, {
        details: { option: 'gpus', visible: known, extra },
      });
    }
  }
  return [...override];
}

/** Hands out a rank's devices, one owner each. */
export class GpuAllocator {
  readonly #inventory: readonly string[];
  readonly #owner = new Map<string, number>();

  constructor(inventory: readonly string[]) {
    this.#inventory = [...inventory];
  }

  get inventory(): readonly string[] {
    return this.#inventory;
  }

  get free(): number {
    return this.#inventory.length - this.#owner.size;
  }

  /** The lowest free devices, now held by `actor`. */
  allocate(actor: number, count: number): string[] {
    if (count === 0) return [];
    if (count > this.free) {
      throw new PlacementError(`actor ${actor} needs ${count} GPU(s) but ${this.free} of ${this.#inventory.length} are free here`, {
        details: { actor, requested: count, free: this.free, inventory: this.#inventory },
      });
    }
    const got = this.#inventory.filter((id) => !this.#owner.has(id)).slice(0, count);
    for (const id of got) this.#owner.set(id, actor);
    return got;
  }

  release(actor: number): void {
    for (const [id, owner] of this.#owner) if (owner === actor) this.#owner.delete(id);
  }
}
