// runtime/supervisor.ts: the life of one actor on its rank's main thread. It starts the actor's
// worker thread, answers connect requests with a fresh MessagePort into the current
// incarnation, restarts the thread when it dies (within maxRestarts), and records why it died.
// A start (module import and constructor) that outlasts startTimeoutMs is ended as a death, so
// neither spawn nor a caller waiting for a restart can wait forever.
// Knows nothing of ranks beyond its own or of how callers use the ports it hands out.

import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { log } from '../util/log.js';
import { ActorDiedError, ActorStartTimeoutError } from './errors.js';
import type {
  ActorRef,
  ActorState,
  ActorStatus,
  ActorToSupervisor,
  ActorWorkerData,
  ControlReplies,
  ControlRequest,
  SpawnSpec,
  StartedMark,
  SupervisorToActor,
  WireError,
} from './protocol.js';
import { kProtocolVersion } from './protocol.js';
import { fromWireError, toWireError } from './wire-error.js';
import { kControlProtocol, type ControlHandlers } from './control.js';
import { Rpc } from './rpc.js';
import { workerEndpoint } from './rpc-endpoints.js';

import { kActorWorkerUrl } from './spare-threads.js';

/** What a supervisor needs from its rank. */
export interface SupervisorHost {
  readonly rank: number;
  readonly size: number;
  readonly driverRank: number;
  readonly host: string;
  /** True when the rank has GPUs, so every actor's CUDA_VISIBLE_DEVICES is narrowed to its own. */
  readonly narrowDevices: boolean;
  /** An actor thread already started and waiting for an 'assign', if one is ready. */
  takeSpare(): Worker | undefined;
  /** What the rank's main thread serves to an actor's thread. */
  readonly actorControl: ControlHandlers;
  /** Refuses every control request once the rank is shutting down. */
  admitControl(): void;
  /** The actor is dead for good. */
  gone(supervisor: ActorSupervisor): void;
}

export interface Connection {
  port: MessagePort;
  incarnation: number;
  lastDeath?: WireError;
  started: StartedMark;
}

interface Waiter {
  after: number;
  poll: boolean;
  resolve(connection: Connection): void;
  reject(err: Error): void;
}

export class ActorSupervisor {
  readonly ref: ActorRef;
  readonly spec: SpawnSpec;
  readonly gpus: string[];
  readonly #host: SupervisorHost;
  readonly #stats = new SharedArrayBuffer(4);
  #state: ActorState = 'starting';
  #incarnation = -1;
  #restarts = 0;
  #worker: Worker | undefined;
  #stopping = false;
  #exitReason: WireError | undefined;
  #lastDeath: WireError | undefined;
  #waiters: Waiter[] = [];
  #firstStart: { resolve(): void; reject(err: Error): void } | undefined;
  #exited: Promise<void> = Promise.resolve();
  #startTimer: NodeJS.Timeout | undefined;
  /** Set when the current incarnation's start ran out of time. */
  #startTimedOut: ActorStartTimeoutError | undefined;

  constructor(ref: ActorRef, spec: SpawnSpec, gpus: string[], host: SupervisorHost) {
    this.ref = ref;
    this.spec = spec;
    this.gpus = gpus;
    this.#host = host;
  }

  get state(): ActorState {
    return this.#state;
  }

  /** Resolves when the actor is first alive; rejects with ActorDiedError if it dies for good first. */
  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#firstStart = { resolve, reject };
      this.#launch();
    });
  }

  /** A port into the first incarnation newer than `after`, once it is alive (`poll`: see 'connect'). */
  connect(after: number, poll: boolean): Promise<Connection> {
    if (this.#state === 'dead') return Promise.reject(this.#deadError());
    if (this.#state === 'alive' && this.#incarnation > after) return Promise.resolve(this.#open(poll));
    return new Promise((resolve, reject) => this.#waiters.push({ after, poll, resolve, reject }));
  }

  /** Ends the thread; with `restart` it counts as a death (restarted within budget), else the actor is gone. */
  kill(restart: boolean): void {
    if (this.#state === 'dead') return;
    if (!restart) this.#stopping = true;
    this.#exitReason = { name: 'Error', message: restart ? 'killed (restart requested)' : 'killed' };
    void this.#worker?.terminate();
  }

  /** Stops for shutdown: the thread ends, pending connects fail, nothing restarts. */
  async stop(): Promise<void> {
    this.#stopping = true;
    void this.#worker?.terminate();
    await this.#exited;
  }

  status(): ActorStatus {
    const { id, name, className, rank } = this.ref;
    return {
      id,
      ...(name !== undefined ? { name } : {}),
      className,
      rank,
      state: this.#state,
      incarnation: this.#incarnation,
      callsDone: Atomics.load(new Int32Array(this.#stats), 0),
      restarts: this.#restarts,
      gpus: this.gpus,
      resources: this.spec.options.resources,
    };
  }

  #launch(): void {
    this.#incarnation++;
    this.#exitReason = undefined;
    this.#startTimedOut = undefined;
    const host = this.#host;
    const workerData: ActorWorkerData = {
      version: kProtocolVersion,
      actor: this.ref,
      incarnation: this.#incarnation,
      moduleUrl: this.spec.moduleUrl,
      args: this.spec.args,
      maxConcurrency: this.spec.options.maxConcurrency,
      gpus: this.gpus,
      stats: this.#stats,
      rank: host.rank,
      size: host.size,
      host: host.host,
      driverRank: host.driverRank,
    };
    if (host.narrowDevices) workerData.cudaVisibleDevices = this.gpus.join(',');
    const memoryMB = this.spec.options.resources.memoryMB;
    // A spare thread has no heap limit of its own, so limited actors get a fresh thread.
    const spare = memoryMB > 0 ? undefined : host.takeSpare();
    const worker =
      spare ??
      new Worker(kActorWorkerUrl, {
        workerData,
        ...(memoryMB > 0 ? { resourceLimits: { maxOldGenerationSizeMb: memoryMB } } : {}),
      });
    if (spare) {
      const assign: SupervisorToActor = { kind: 'assign', data: workerData };
      spare.postMessage(assign);
    }
    this.#worker = worker;
    let exited!: () => void;
    this.#exited = new Promise((resolve) => (exited = resolve));
    worker.on('message', (msg: ActorToSupervisor) => this.#onMessage(worker, msg));
    // Control requests from the thread; the Rpc ends with the thread.
    new Rpc<ControlRequest, ControlReplies>(workerEndpoint(worker), { protocol: kControlProtocol, handlers: host.actorControl, admit: () => host.admitControl() });
    worker.on('error', (err) => {
      this.#exitReason ??= toWireError(err, this.#origin());
    });
    worker.on('exit', (code) => {
      this.#onExit(worker, code);
      exited();
    });
    const timeoutMs = this.spec.options.startTimeoutMs;
    this.#startTimer = setTimeout(() => this.#onStartTimeout(worker, timeoutMs), timeoutMs);
    // The worker keeps the process alive while it starts; the timer alone must not.
    this.#startTimer.unref();
    log('info', 'runtime.actor.start', { actor: this.ref.id, rank: host.rank, incarnation: this.#incarnation, className: this.ref.className });
  }

  #onMessage(worker: Worker, msg: ActorToSupervisor): void {
    if (worker !== this.#worker) return;
    switch (msg.kind) {
      case 'ready':
        clearTimeout(this.#startTimer);
        this.#state = 'alive';
        log('info', 'runtime.actor.ready', { actor: this.ref.id, rank: this.#host.rank, incarnation: this.#incarnation });
        this.#firstStart?.resolve();
        this.#firstStart = undefined;
        this.#wakeWaiters();
        break;
      case 'init-failed':
        this.#exitReason = msg.error;
        void worker.terminate();
        break;
    }
  }

  #onStartTimeout(worker: Worker, timeoutMs: number): void {
    if (worker !== this.#worker) return;
    const { id, className, rank } = this.ref;
    this.#startTimedOut = new ActorStartTimeoutError(`actor ${className}#${id} on rank ${rank} did not start within ${timeoutMs} ms`, {
      details: { actor: id, className, rank, timeoutMs, restarts: this.#restarts },
    });
    this.#exitReason = toWireError(this.#startTimedOut, this.#origin());
    log('warn', 'runtime.actor.start-timeout', { actor: id, rank, incarnation: this.#incarnation, timeoutMs });
    void worker.terminate();
  }

  #onExit(worker: Worker, code: number): void {
    if (worker !== this.#worker) return;
    clearTimeout(this.#startTimer);
    this.#worker = undefined;
    if (this.#stopping) {
      this.#lastDeath = this.#exitReason ?? { name: 'ClosedError', message: 'the runtime is shut down', code: 'ERR_CLOSED' };
      this.#becomeDead();
      return;
    }
    const reason = this.#exitReason ?? { name: 'Error', message: `the actor's thread exited with code ${code}`, origin: this.#origin() };
    this.#lastDeath = reason;
    const budget = this.spec.options.maxRestarts;
    log('warn', 'runtime.actor.died', { actor: this.ref.id, rank: this.#host.rank, incarnation: this.#incarnation, code, reason: reason.message });
    if (budget < 0 || this.#restarts < budget) {
      this.#restarts++;
      this.#state = 'restarting';
      log('info', 'runtime.actor.restart', { actor: this.ref.id, rank: this.#host.rank, restarts: this.#restarts });
      this.#launch();
      return;
    }
    this.#becomeDead();
  }

  #becomeDead(): void {
    this.#state = 'dead';
    const err = this.#deadError();
    log('warn', 'runtime.actor.dead', { actor: this.ref.id, rank: this.#host.rank, restarts: this.#restarts });
    // spawn() asked for a start: when the last start ran out of time, that is its answer.
    this.#firstStart?.reject(this.#startTimedOut ?? err);
    this.#firstStart = undefined;
    for (const waiter of this.#waiters) waiter.reject(err);
    this.#waiters = [];
    this.#host.gone(this);
  }

  #wakeWaiters(): void {
    const waiting = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiting) {
      if (this.#incarnation > waiter.after) waiter.resolve(this.#open(waiter.poll));
      else this.#waiters.push(waiter);
    }
  }

  #open(poll: boolean): Connection {
    const { port1, port2 } = new MessageChannel();
    const started = new SharedArrayBuffer(Float64Array.BYTES_PER_ELEMENT);
    const message: SupervisorToActor = { kind: 'connect', port: port1, started, poll };
    this.#worker!.postMessage(message, [port1]);
    return { port: port2, incarnation: this.#incarnation, ...(this.#lastDeath ? { lastDeath: this.#lastDeath } : {}), started };
  }

  #deadError(): ActorDiedError {
    const { id, name, className, rank } = this.ref;
    return new ActorDiedError(`actor ${className}#${id}${name ? ` "${name}"` : ''} on rank ${rank} is dead after ${this.#restarts} restart(s)`, {
      details: { actor: id, name, className, rank, restarts: this.#restarts },
      ...(this.#lastDeath ? { cause: fromWireError(this.#lastDeath) } : {}),
    });
  }

  #origin() {
    const { id, name, className } = this.ref;
    return { rank: this.#host.rank, host: this.#host.host, actor: id, ...(name ? { actorName: name } : {}), className };
  }
}
