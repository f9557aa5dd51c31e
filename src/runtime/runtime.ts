// runtime/runtime.ts: the public façade, the same class in every thread: the main thread of
// each rank and every actor's thread. It validates at the door (async methods reject, never
// throw), encodes user values, and delegates to the thread's control client and router. The
// engine behind it (node.ts on a main thread, a parent port in an actor) stays private.

import type { MessagePort } from 'node:worker_threads';
import { ClosedError, InvalidArgumentError, TimeoutError } from '../errors.js';
import { ActorClass } from './actor-class.js';
import { encodeDetached } from './codec.js';
import type { ControlClient } from './control.js';
import { within } from './deadline.js';
import { NotDriverError } from './errors.js';
import { actorRefOf, isHandle, type Remote } from './handle.js';
import { ObjectRef } from './object-ref.js';
import {
  checkIdentifier,
  resolveConnectServiceOptions,
  resolveModuleUrl,
  resolveSpawnOptions,
  resolveTaskOptions,
  type ConnectServiceOptions,
  type SpawnOptions,
  type TaskOptions,
} from './options.js';
import type { LocalObject, RuntimeStatus } from './protocol.js';
import type { RankServiceHandler, RankServices } from './rank-services.js';
import type { Router } from './router.js';
import { toShared, typedArrayName, viewOf } from './typed.js';

/** What a Runtime needs from the thread it lives in. */
export interface RuntimeCore {
  readonly rank: number;
  readonly size: number;
  readonly driverRank: number;
  readonly isMainThread: boolean;
  readonly control: ControlClient;
  readonly router: Router;
  /** Main threads only: the services this rank offers its threads. */
  readonly services?: RankServices;
  /** Main threads only: resolves when this rank has shut down. */
  readonly closed?: Promise<void>;
}

export interface KillOptions {
  /** Restart the actor (within its maxRestarts) instead of ending it; default false. */
  restart?: boolean;
}

type AnyFunction = (...args: any[]) => unknown;

export class Runtime {
  readonly #core: RuntimeCore;

  /** Not for users: call init(). */
  constructor(core: RuntimeCore) {
    this.#core = core;
  }

  get rank(): number {
    return this.#core.rank;
  }

  get size(): number {
    return this.#core.size;
  }

  get driverRank(): number {
    return this.#core.driverRank;
  }

  /** True on the driver rank's main thread: the place that places actors and shuts the job down. */
  get isDriver(): boolean {
    return this.#core.isMainThread && this.#core.rank === this.#core.driverRank;
  }

  /**
   * Starts an actor: `new className(...args)` from the module at `moduleUrl`, in its own worker
   * thread on the rank placement chooses. Resolves with its handle once the constructor returned;
   * rejects with ActorDiedError if it never came alive within its restart budget.
   */
  async spawn<T = any>(moduleUrl: string | URL, className: string, args: unknown[] = [], options: SpawnOptions = {}): Promise<Remote<T>> {
    const url = resolveModuleUrl(moduleUrl);
    checkIdentifier(className, 'className');
    if (!Array.isArray(args)) throw new InvalidArgumentError('args must be an array of constructor arguments', { details: { option: 'args' } });
    const resolved = resolveSpawnOptions(options, this.size);
    const ref = await this.#core.control.request({
      kind: 'spawn',
      spec: { moduleUrl: url, className, args: encodeDetached(args), options: resolved },
    });
    return this.#core.router.handle<T>(ref);
  }

  /**
   * The class `className` of `moduleUrl` as a value: `.options({...})` returns a configured copy,
   * `.spawn(...args)` starts an actor. Type it with the class: `actorClass<typeof Trainer>(…)`.
   */
  actorClass<C extends abstract new (...args: any[]) => unknown>(moduleUrl: string | URL, className: string, options: SpawnOptions = {}): ActorClass<C> {
    resolveModuleUrl(moduleUrl);
    checkIdentifier(className, 'className');
    return new ActorClass<C>(this, moduleUrl, className, options);
  }

  /** The handle of the live actor spawned with `name`; rejects with ActorNotFoundError. */
  async getActor<T = any>(name: string): Promise<Remote<T>> {
    checkIdentifier(name, 'name');
    const ref = await this.#core.control.request({ kind: 'lookup', name });
    return this.#core.router.handle<T>(ref);
  }

  /** Ends an actor's thread; calls in flight reject with ActorDiedError (or retry, with restart). */
  async kill(handle: Remote<unknown>, options: KillOptions = {}): Promise<void> {
    if (!isHandle(handle)) throw new InvalidArgumentError('kill() needs an actor handle', { details: { option: 'handle' } });
    await this.#core.control.request({ kind: 'kill', actor: actorRefOf(handle), restart: options.restart === true });
  }

  /**
   * Stores `value` in this rank's object store. Typed arrays go to shared memory (an array that is
   * already shared is stored without a copy), so every thread of the rank reads the same bytes.
   */
  async put<T>(value: T): Promise<ObjectRef<T>> {
    const dtype = typedArrayName(value);
    const object: LocalObject = dtype
      ? toShared(value as unknown as Parameters<typeof toShared>[0], dtype)
      : { kind: 'value', bytes: encodeDetached(value) };
    return new ObjectRef<T>(await this.#core.control.request({ kind: 'put', value: object }));
  }

  /**
   * The stored value. On the owning rank a typed array is a view of the shared memory itself
   * (writes are seen by every thread of that rank); from another rank it is a fetched copy.
   */
  async get<T>(ref: ObjectRef<T>): Promise<T> {
    if (!(ref instanceof ObjectRef)) throw new InvalidArgumentError('get() needs an ObjectRef', { details: { option: 'ref' } });
    const object = await this.#core.control.request({ kind: 'get', ref: ref.toData() });
    return (object.kind === 'typed' ? viewOf(object) : this.#core.router.decode(object.bytes)) as T;
  }

  /** Frees the object; later gets reject with ObjectNotFoundError. */
  async release(ref: ObjectRef<unknown>): Promise<void> {
    if (!(ref instanceof ObjectRef)) throw new InvalidArgumentError('release() needs an ObjectRef', { details: { option: 'ref' } });
    await this.#core.control.request({ kind: 'release', ref: ref.toData() });
  }

  /**
   * A stateless function exported as `fnName` by `moduleUrl`, run on the task pool of a rank
   * (this one unless options.rank). Arguments and results are plain values and typed arrays.
   */
  task<F extends AnyFunction>(moduleUrl: string | URL, fnName: string, options: TaskOptions = {}): (...args: Parameters<F>) => Promise<Awaited<ReturnType<F>>> {
    const url = resolveModuleUrl(moduleUrl);
    checkIdentifier(fnName, 'fnName');
    const rank = resolveTaskOptions(options, this.size, this.rank);
    return async (...args: Parameters<F>): Promise<Awaited<ReturnType<F>>> => {
      const bytes = await this.#core.control.request({ kind: 'task', spec: { moduleUrl: url, fnName, args: encodeDetached(args), rank } });
      return this.#core.router.decode<Awaited<ReturnType<F>>>(bytes);
    };
  }

  /**
   * Main thread only: offers the service `name` to the threads of this rank. Each
   * connectRankService(name) made on this rank calls `onConnect` with the service's end of a new
   * private MessagePort. Returns a function that withdraws the service (open ports stay open).
   */
  provideRankService(name: string, onConnect: RankServiceHandler): () => void {
    checkIdentifier(name, 'name');
    if (typeof onConnect !== 'function') {
      throw new InvalidArgumentError('provideRankService() needs an onConnect function', { details: { option: 'onConnect' } });
    }
    const { services } = this.#core;
    if (!services) throw new NotDriverError("provideRankService() belongs to a rank's main thread, not to an actor", { details: { rank: this.rank } });
    return services.provide(name, onConnect);
  }

  /**
   * A private MessagePort to the rank service `name` of this thread's rank (from an actor, its
   * own rank's main thread). Rejects with RankServiceNotFoundError when the rank provides no such
   * service, with the service's own error when it refuses, and with TimeoutError past timeoutMs.
   */
  async connectRankService(name: string, options: ConnectServiceOptions = {}): Promise<MessagePort> {
    checkIdentifier(name, 'name');
    const timeoutMs = resolveConnectServiceOptions(options);
    const reply = this.#core.control.request({ kind: 'rank-service', name });
    const timedOut = () =>
      new TimeoutError(`rank service '${name}' on rank ${this.rank} did not answer within ${timeoutMs} ms`, {
        details: { name, rank: this.rank, timeoutMs },
      });
    const { port } = await within(reply, timeoutMs, timedOut, (late) => late.port.close());
    return port;
  }

  /** Every rank's capacity and use, and every actor (id, name, rank, state, calls done, restarts). */
  async status(): Promise<RuntimeStatus> {
    return this.#core.control.request({ kind: 'status' });
  }

  /**
   * For the main thread of a rank that is not the driver: serves actors, tasks and objects until
   * the driver shuts the job down, then resolves. On the driver it resolves at shutdown too.
   */
  async serve(): Promise<void> {
    const { closed } = this.#core;
    if (!closed) throw new NotDriverError('serve() belongs to the main thread of a rank, not to an actor');
    await closed;
  }

  /** Driver only: stops every actor and task pool on every rank and closes the transport. */
  async shutdown(): Promise<void> {
    if (!this.isDriver) {
      throw new NotDriverError(`shutdown() belongs to the driver's main thread (rank ${this.driverRank}); other ranks call serve()`, {
        details: { rank: this.rank },
      });
    }
    try {
      await this.#core.control.request({ kind: 'shutdown' });
    } catch (err) {
      if (!(err instanceof ClosedError)) throw err;
    }
    await this.#core.closed;
  }
}
