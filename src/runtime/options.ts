// runtime/options.ts: the options users pass to init() and spawn(), their defaults (in one
// constant each) and their validation at the door. Past these functions the runtime trusts
// its inputs. Misspelt keys are refused with the right spelling named.

import { availableParallelism, totalmem } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InvalidArgumentError } from '../errors.js';
import type { Transport } from '../transport/index.js';
import type { PlacementStrategy, ResolvedSpawnOptions, Resources } from './protocol.js';
import type { PlacementPolicy } from './placement.js';

export interface InitOptions {
  /** The transport to run over; default: openTransport() (MPI under mpirun, local otherwise). */
  transport?: Transport;
  /** The rank whose main thread drives the job (places actors, holds names); default 0. */
  driverRank?: number;
  /** Bound on this rank's object store, in MiB; default 1024. */
  objectStoreMB?: number;
  /** GPU inventory override: a count or device ids; narrows what was detected, never widens. */
  gpus?: number | string[];
  /** CPUs this rank offers to actors' `resources.cpu`; default: the cores Node sees. */
  cpus?: number;
  /** Memory this rank offers to actors' `resources.memoryMB`; default: total memory / ranks on the node. */
  memoryMB?: number;
  /** Threads of this rank's task pool; default: cpus. */
  taskThreads?: number;
  /** Chooses a rank for each spawn (driver rank only); default: defaultPlacement. */
  placement?: PlacementPolicy;
  /** JSON-lines log file for runtime events; default: GRAFT_LOG or none. */
  logFile?: string;
}

export interface ResolvedInitOptions {
  transport?: Transport;
  driverRank: number;
  objectStoreBytes: number;
  gpus?: number | string[];
  cpus: number;
  memoryMB?: number;
  taskThreads: number;
  placement?: PlacementPolicy;
  logFile?: string;
}

export interface SpawnOptions {
  resources?: Partial<Resources>;
  /** Place on this rank; excludes `strategy`. */
  rank?: number;
  /** 'spread' (default): the fitting rank with the fewest actors; 'pack': fill low ranks first. */
  strategy?: PlacementStrategy;
  /** A name any rank can look up with getActor(). */
  name?: string;
  /** Restarts after the thread dies; default 0, -1 for unlimited. */
  maxRestarts?: number;
  /** Times a call lost to a thread death is sent again to the restarted actor; default 0. */
  maxTaskRetries?: number;
  /** Async method calls that may run at once; default 1 (one call at a time, in order). */
  maxConcurrency?: number;
  /**
   * Milliseconds each start of the actor (module import and constructor) may take before its
   * thread is ended; default 120000, room for an actor that loads tfjs. A start that runs past
   * it counts as a death (restarted within maxRestarts); spawn rejects with ActorStartTimeoutError.
   */
  startTimeoutMs?: number;
}

/** Options of Runtime.connectRankService. */
export interface ConnectServiceOptions {
  /** Milliseconds to wait for the port; default 30000. */
  timeoutMs?: number;
}

export interface TaskOptions {
  /** Run on this rank's pool; default: the calling thread's rank. */
  rank?: number;
}

const kInitKeys = ['transport', 'driverRank', 'objectStoreMB', 'gpus', 'cpus', 'memoryMB', 'taskThreads', 'placement', 'logFile'];
const kSpawnKeys = ['resources', 'rank', 'strategy', 'name', 'maxRestarts', 'maxTaskRetries', 'maxConcurrency', 'startTimeoutMs'];
const kResourceKeys = ['cpu', 'gpu', 'memoryMB'];

export const kInitDefaults = { driverRank: 0, objectStoreMB: 1024 } as const;
export const kSpawnDefaults = {
  resources: { cpu: 0, gpu: 0, memoryMB: 0 },
  strategy: 'spread',
  maxRestarts: 0,
  maxTaskRetries: 0,
  maxConcurrency: 1,
  startTimeoutMs: 120_000,
} as const;
export const kConnectServiceDefaults = { timeoutMs: 30_000 } as const;

export function resolveInitOptions(options: InitOptions = {}): ResolvedInitOptions {
  checkObject(options, 'init options');
  checkKeys(options, kInitKeys, 'init options');
  const cpus = options.cpus ?? availableParallelism();
  checkInteger(cpus, 'cpus', 0);
  const objectStoreMB = options.objectStoreMB ?? kInitDefaults.objectStoreMB;
  checkNumber(objectStoreMB, 'objectStoreMB', 0);
  const driverRank = options.driverRank ?? kInitDefaults.driverRank;
  checkInteger(driverRank, 'driverRank', 0);
  if (options.memoryMB !== undefined) checkNumber(options.memoryMB, 'memoryMB', 0);
  const taskThreads = options.taskThreads ?? Math.max(1, cpus);
  checkInteger(taskThreads, 'taskThreads', 1);
  if (options.gpus !== undefined) {
    const ok = typeof options.gpus === 'number'
      ? Number.isInteger(options.gpus) && options.gpus >= 0
      : Array.isArray(options.gpus) && options.gpus.every((g) => typeof g === 'string' && g.length > 0);
    if (!ok) throw invalid('gpus', 'a count (integer ≥ 0) or an array of device ids', options.gpus);
  }
  if (options.placement !== undefined && typeof options.placement !== 'function') {
    throw invalid('placement', 'a function (request, ranks) => rank', options.placement);
  }
  if (options.logFile !== undefined && typeof options.logFile !== 'string') throw invalid('logFile', 'a path', options.logFile);
  if (options.transport !== undefined && (typeof options.transport !== 'object' || options.transport === null)) {
    throw invalid('transport', 'a Transport', options.transport);
  }
  return {
    transport: options.transport,
    driverRank,
    objectStoreBytes: Math.floor(objectStoreMB * 1024 * 1024),
    gpus: options.gpus,
    cpus,
    memoryMB: options.memoryMB,
    taskThreads,
    placement: options.placement,
    logFile: options.logFile,
  };
}

/** Default memory a rank offers: its share of the node's memory. */
export function defaultRankMemoryMB(localSize: number): number {
  return Math.floor(totalmem() / 1024 / 1024 / Math.max(1, localSize));
}

export function resolveSpawnOptions(options: SpawnOptions = {}, size: number): ResolvedSpawnOptions {
  checkObject(options, 'spawn options');
  checkKeys(options, kSpawnKeys, 'spawn options');
  const given = options.resources ?? {};
  checkObject(given, 'resources');
  checkKeys(given, kResourceKeys, 'resources');
  const resources = { ...kSpawnDefaults.resources, ...given };
  checkNumber(resources.cpu, 'resources.cpu', 0);
  checkInteger(resources.gpu, 'resources.gpu', 0);
  checkNumber(resources.memoryMB, 'resources.memoryMB', 0);
  if (options.rank !== undefined) {
    checkInteger(options.rank, 'rank', 0);
    if (options.rank >= size) throw invalid('rank', `a rank below the job size ${size}`, options.rank);
    if (options.strategy !== undefined) throw new InvalidArgumentError('spawn options: give rank or strategy, not both', { details: { option: 'strategy' } });
  }
  const strategy = options.strategy ?? kSpawnDefaults.strategy;
  if (strategy !== 'spread' && strategy !== 'pack') throw invalid('strategy', "'spread' or 'pack'", strategy);
  if (options.name !== undefined && (typeof options.name !== 'string' || options.name.length === 0)) {
    throw invalid('name', 'a non-empty string', options.name);
  }
  const maxRestarts = options.maxRestarts ?? kSpawnDefaults.maxRestarts;
  checkInteger(maxRestarts, 'maxRestarts', -1);
  const maxTaskRetries = options.maxTaskRetries ?? kSpawnDefaults.maxTaskRetries;
  checkInteger(maxTaskRetries, 'maxTaskRetries', -1);
  const maxConcurrency = options.maxConcurrency ?? kSpawnDefaults.maxConcurrency;
  checkInteger(maxConcurrency, 'maxConcurrency', 1);
  const startTimeoutMs = options.startTimeoutMs ?? kSpawnDefaults.startTimeoutMs;
  checkTimeout(startTimeoutMs, 'startTimeoutMs');
  return {
    resources,
    ...(options.rank !== undefined ? { rank: options.rank } : {}),
    strategy,
    ...(options.name !== undefined ? { name: options.name } : {}),
    maxRestarts,
    maxTaskRetries,
    maxConcurrency,
    startTimeoutMs,
  };
}

/** The timeout of a connectRankService call, in ms. */
export function resolveConnectServiceOptions(options: ConnectServiceOptions = {}): number {
  checkObject(options, 'connectRankService options');
  checkKeys(options, ['timeoutMs'], 'connectRankService options');
  const timeoutMs = options.timeoutMs ?? kConnectServiceDefaults.timeoutMs;
  checkTimeout(timeoutMs, 'timeoutMs');
  return timeoutMs;
}

/** Call options given through a handle's kCallOptions member. */
export function resolveCallOptions(options: unknown): { signal?: AbortSignal } {
  checkObject(options, 'call options');
  checkKeys(options as object, ['signal'], 'call options');
  const { signal } = options as { signal?: unknown };
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw invalid('signal', 'an AbortSignal', signal);
  return signal === undefined ? {} : { signal };
}

export function resolveTaskOptions(options: TaskOptions = {}, size: number, here: number): number {
  checkObject(options, 'task options');
  checkKeys(options, ['rank'], 'task options');
  if (options.rank === undefined) return here;
  checkInteger(options.rank, 'rank', 0);
  if (options.rank >= size) throw invalid('rank', `a rank below the job size ${size}`, options.rank);
  return options.rank;
}

/** A module given as a URL (file:, data:) or a path; paths become file URLs. */
export function resolveModuleUrl(module: unknown): string {
  if (module instanceof URL) return module.href;
  if (typeof module !== 'string' || module.length === 0) throw invalid('moduleUrl', 'a module URL or path', module);
  if (/^[a-z][a-z0-9+.-]*:/i.test(module) && !/^[a-z]:[\\/]/i.test(module)) return module;
  return pathToFileURL(isAbsolute(module) ? module : resolve(module)).href;
}

export function checkIdentifier(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.length === 0) throw invalid(what, 'a non-empty string', value);
  return value;
}

function checkObject(value: unknown, what: string): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(what, 'an object', value);
}

function checkKeys(value: object, allowed: string[], what: string): void {
  for (const key of Object.keys(value)) {
    if (allowed.includes(key)) continue;
    const near = allowed.find((a) => closeTo(a, key));
    const hint = near ? `; did you mean '${near}'?` : `; known: ${allowed.join(', ')}`;
    throw new InvalidArgumentError(`${what}: unknown option '${key}'${hint}`, { details: { option: key, suggestion: near } });
  }
}

function checkNumber(value: unknown, name: string, min: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) throw invalid(name, `a number ≥ ${min}`, value);
}

/** Timer delays above 2^31 - 1 ms fire at once in Node, so they are refused rather than shortened. */
function checkTimeout(value: unknown, name: string): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 2_147_483_647) {
    throw invalid(name, 'an integer number of milliseconds from 1 to 2147483647', value);
  }
}

function checkInteger(value: unknown, name: string, min: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) throw invalid(name, `an integer ≥ ${min}`, value);
}

function invalid(option: string, expected: string, got: unknown): InvalidArgumentError {
  return new InvalidArgumentError(`${option} must be ${expected} (got ${describe(got)})`, { details: { option } });
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'object' && value !== null) return Array.isArray(value) ? 'an array' : 'an object';
  return String(value);
}

/** Case-insensitive equality or an edit distance of at most 2: catches typos, not other words. */
function closeTo(a: string, b: string): boolean {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  if (x === y) return true;
  if (Math.abs(x.length - y.length) > 2) return false;
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    for (let j = 1; j <= y.length; j++) {
      row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    previous = row;
  }
  return previous[y.length]! <= 2;
}
