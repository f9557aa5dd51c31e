// store/options.ts: the options of the gossip index and the layer store, their defaults in one
// place, and the checks at the door. `…Options` is what callers pass (all optional),
// `Resolved…Options` what the code reads (all present).

import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StoreOptionError } from './errors.js';

export interface GossipOptions {
  /** Milliseconds between gossip rounds. */
  periodMs?: number;
  /** Peers contacted per round. */
  fanout?: number;
  /** Periods without a heartbeat rise before a rank is suspected; default 2·log2(size) + 6. */
  suspectAfterPeriods?: number;
  /** A peer that does not answer an exchange within this time is suspected at once. */
  exchangeTimeoutMs?: number;
}

export interface ResolvedGossipOptions {
  periodMs: number;
  fanout: number;
  suspectAfterPeriods: number | undefined;
  exchangeTimeoutMs: number;
}

export const kGossipDefaults: Readonly<ResolvedGossipOptions> = Object.freeze({
  periodMs: 200,
  fanout: 2,
  suspectAfterPeriods: undefined,
  exchangeTimeoutMs: 2000,
});

export interface LayerStoreOptions {
  /** Most bytes of layer tensors this rank keeps in memory; the rest spills to `spillDir`. */
  capacityBytes?: number;
  /** Where evicted layers go (meant for the parallel file system, shared by all ranks). */
  spillDir?: string;
  /** Size of one shared-memory arena; a larger layer gets an arena of its own. */
  arenaBytes?: number;
  /** Keep a copy of layers fetched from peers, so the next fetch on this rank is local. */
  keepReplicas?: boolean;
  /** A one-sided read from a peer that takes longer fails over to the next source. */
  fetchTimeoutMs?: number;
}

export interface ResolvedLayerStoreOptions {
  capacityBytes: number;
  spillDir: string;
  arenaBytes: number;
  keepReplicas: boolean;
  fetchTimeoutMs: number;
}

export const kStoreDefaults: Readonly<ResolvedLayerStoreOptions> = Object.freeze({
  capacityBytes: 1024 * 1024 * 1024,
  spillDir: join(tmpdir(), 'graft-spill'),
  arenaBytes: 64 * 1024 * 1024,
  keepReplicas: true,
  fetchTimeoutMs: 10_000,
});

/** Periods of heartbeat silence before suspicion, by job size: heartbeats need about
 * log2(size) rounds to spread, so this leaves room for twice that and some slack. */
export function defaultSuspectAfter(ranks: number): number {
  return 2 * Math.ceil(Math.log2(Math.max(2, ranks))) + 6;
}

export function resolveGossipOptions(options: GossipOptions = {}): ResolvedGossipOptions {
  checkKeys(options, kGossipDefaults, 'gossip');
  const o = { ...kGossipDefaults, ...stripUndefined(options) };
  checkPositive(o.periodMs, 'gossip.periodMs');
  checkPositiveInteger(o.fanout, 'gossip.fanout');
  if (o.suspectAfterPeriods !== undefined) checkPositiveInteger(o.suspectAfterPeriods, 'gossip.suspectAfterPeriods');
  checkPositive(o.exchangeTimeoutMs, 'gossip.exchangeTimeoutMs');
  return o;
}

export function resolveStoreOptions(options: LayerStoreOptions = {}): ResolvedLayerStoreOptions {
  checkKeys(options, kStoreDefaults, 'store');
  const o = { ...kStoreDefaults, ...stripUndefined(options) };
  checkPositiveInteger(o.capacityBytes, 'store.capacityBytes');
  checkPositiveInteger(o.arenaBytes, 'store.arenaBytes');
  if (typeof o.spillDir !== 'string' || o.spillDir === '') {
    throw new StoreOptionError('store.spillDir must be a non-empty path', { details: { option: 'spillDir' } });
  }
  if (typeof o.keepReplicas !== 'boolean') {
    throw new StoreOptionError('store.keepReplicas must be true or false', { details: { option: 'keepReplicas' } });
  }
  checkPositive(o.fetchTimeoutMs, 'store.fetchTimeoutMs');
  return o;
}

function checkKeys(options: object, known: object, where: string): void {
  if (typeof options !== 'object' || options === null) {
    throw new StoreOptionError(`${where} options must be an object`, { details: { option: where } });
  }
  for (const key of Object.keys(options)) {
    if (key in known) continue;
    const near = Object.keys(known).find((k) => k.toLowerCase() === key.toLowerCase());
    const hint = near ? `; did you mean '${near}'?` : `; known: ${Object.keys(known).join(', ')}`;
    throw new StoreOptionError(`unknown ${where} option '${key}'${hint}`, { details: { option: key } });
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function checkPositive(v: unknown, name: string): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
    throw new StoreOptionError(`${name} must be a positive number, got ${String(v)}`, { details: { option: name } });
  }
}

function checkPositiveInteger(v: unknown, name: string): void {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v <= 0) {
    throw new StoreOptionError(`${name} must be a positive integer, got ${String(v)}`, { details: { option: name } });
  }
}
