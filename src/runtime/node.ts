// runtime/node.ts: a rank's main thread. It answers control requests from its own threads
// (the main thread and actor threads), serves requests from other ranks, supervises the
// rank's actors, holds its object store, task pool and rank services, relays calls across
// ranks, and on the driver rank hosts the Head. It decides nothing about placement and never decodes user values.

import type { Worker } from 'node:worker_threads';
import type { Transport } from '../transport/index.js';
import { ClosedError } from '../errors.js';
import { log } from '../util/log.js';
import { localControlClient, type ControlClient, type ControlHandlers } from './control.js';
import { ActorNotFoundError, NotDriverError } from './errors.js';
import { GpuAllocator } from './gpu.js';
import { Head } from './head.js';
import { ObjectStore } from './object-store.js';
import type { ResolvedInitOptions } from './options.js';
import { defaultPlacement } from './placement.js';
import { kProtocolVersion, type RankInfo, type RankReplies, type RankRequest } from './protocol.js';
import { Rpc, withTransfer, type RpcHandlers } from './rpc.js';
import { transportEndpoint } from './rpc-endpoints.js';
import { RankServices } from './rank-services.js';
import { RelayHub, type RankRpc } from './relay.js';
import { Router } from './router.js';
import { ActorSupervisor, type Connection, type SupervisorHost } from './supervisor.js';
import { SpareThreads } from './spare-threads.js';
import { TaskPool } from './tasks.js';
import { fromWireObject, toWireObject } from './typed.js';
import { kTagRpc } from './tags.js';
import { kHost } from './wire-error.js';

type Caller = 'main' | 'actor';

export class RankNode implements SupervisorHost {
  readonly rank: number;
  readonly size: number;
  readonly driverRank: number;
  readonly host = kHost;
  readonly narrowDevices: boolean;
  readonly ranks: readonly RankInfo[];
  /** The main thread's control client and caller side. */
  readonly mainControl: ControlClient;
  readonly router: Router;
  readonly actorControl: ControlHandlers;
  /** The services this rank's main thread offers to its own threads. */
  readonly services: RankServices;
  /** Resolves once this rank has shut down (stopped its actors and closed its transport). */
  readonly closed: Promise<void>;
  readonly #transport: Transport;
  readonly #rpc: RankRpc;
  readonly #relay: RelayHub;
  readonly #store: ObjectStore;
  readonly #tasks: TaskPool;
  readonly #gpus: GpuAllocator;
  readonly #spares = new SpareThreads();
  readonly #head: Head | undefined;
  readonly #actors = new Map<number, ActorSupervisor>();
  #stopping: Promise<void> | undefined;
  #resolveClosed!: () => void;

  constructor(transport: Transport, options: ResolvedInitOptions, ranks: RankInfo[]) {
    this.#transport = transport;
    this.rank = transport.rank;
    this.size = transport.size;
    this.driverRank = options.driverRank;
    this.ranks = ranks;
    const mine = ranks[this.rank]!;
    this.#gpus = new GpuAllocator(mine.gpus);
    this.narrowDevices = mine.gpus.length > 0;
    this.#store = new ObjectStore(this.rank, options.objectStoreBytes);
    this.#tasks = new TaskPool(options.taskThreads, this.rank, this.host);
    this.services = new RankServices(this.rank);
    this.#rpc = new Rpc(transportEndpoint(transport, kTagRpc), {
      protocol: { name: 'rank rpc', version: kProtocolVersion },
      handlers: this.#rankHandlers(),
      origin: { rank: this.rank, host: this.host },
    });
    this.#relay = new RelayHub(transport, this.#rpc, (actor, after) => this.#connectLocal(actor, after, false));
    if (this.rank === this.driverRank) {
      this.#head = new Head(this.driverRank, ranks, options.placement ?? defaultPlacement, {
        create: (rank, actor, spec) => this.#rpc.request(rank, { kind: 'create', actor, spec }).then(() => undefined),
        list: (rank) => this.#rpc.request(rank, { kind: 'list' }),
      });
    }
    this.closed = new Promise((resolve) => (this.#resolveClosed = resolve));
    this.actorControl = this.#controlHandlers('actor');
    this.mainControl = localControlClient(this.#controlHandlers('main'), () => this.admitControl());
    this.router = new Router(this.mainControl);
  }

  get isDriver(): boolean {
    return this.rank === this.driverRank;
  }

  // SupervisorHost ------------------------------------------------------------------------------

  admitControl(): void {
    if (this.#stopping) throw new ClosedError('the runtime is shut down');
  }

  takeSpare(): Worker | undefined {
    return this.#spares.take();
  }

  gone(supervisor: ActorSupervisor): void {
    this.#gpus.release(supervisor.ref.id);
    if (this.#stopping) return;
    this.#rpc.request(this.driverRank, { kind: 'actor-dead', id: supervisor.ref.id }).catch((err) =>
      log('warn', 'runtime.actor-dead.unreported', { actor: supervisor.ref.id, error: err }),
    );
  }

  /** Restarts every live actor thread of this rank, each as a death within its restart budget; how many. */
  restartActors(): number {
    let restarted = 0;
    for (const actor of this.#actors.values()) {
      if (actor.state !== 'alive') continue;
      actor.kill(true);
      restarted++;
    }
    return restarted;
  }

  // Shutdown ------------------------------------------------------------------------------------

  /** Driver only: stops every rank, then this one; resolves when all have closed their transport. */
  async shutdown(): Promise<void> {
    if (!this.#stopping) {
      const others = this.ranks.map((r) => r.rank).filter((r) => r !== this.rank);
      const results = await Promise.allSettled(others.map((rank) => this.#rpc.request(rank, { kind: 'shutdown' })));
      for (const result of results) if (result.status === 'rejected') log('warn', 'runtime.shutdown.rank-failed', { error: result.reason });
      await this.#stopLocal();
      await this.#finish();
    }
    return this.closed;
  }

  #stopLocal(): Promise<void> {
    this.#stopping ??= (async () => {
      log('info', 'runtime.shutdown', { rank: this.rank });
      this.router.close(new ClosedError('the runtime is shut down'));
      await Promise.all([...this.#actors.values()].map((actor) => actor.stop()));
      await this.#tasks.close();
      await this.#spares.close();
      this.#relay.close();
    })();
    return this.#stopping;
  }

  /** Every rank meets at a barrier, so none closes its transport while a peer still talks to it. */
  async #finish(): Promise<void> {
    try {
      await this.#transport.barrier();
      this.#rpc.close();
      await this.#transport.close();
    } catch (err) {
      log('warn', 'runtime.shutdown.transport', { rank: this.rank, error: err });
    }
    this.#resolveClosed();
  }

  // Requests from this rank's threads -----------------------------------------------------------

  #controlHandlers(caller: Caller): ControlHandlers {
    const rpc = this.#rpc;
    return {
      spawn: (request) => rpc.request(this.driverRank, { kind: 'spawn', spec: request.spec }),
      lookup: (request) => rpc.request(this.driverRank, { kind: 'lookup', name: request.name }),
      status: () => rpc.request(this.driverRank, { kind: 'status' }),
      connect: async ({ actor, after }) => {
        const connection = actor.rank === this.rank ? await this.#connectLocal(actor.id, after, true) : await this.#relay.open(actor, after);
        return withTransfer(connection, [connection.port]);
      },
      kill: (request) => rpc.request(request.actor.rank, { kind: 'kill', actor: request.actor.id, restart: request.restart }),
      put: (request) => this.#store.put(request.value),
      get: async ({ ref }) => {
        if (ref.rank === this.rank) return this.#store.get(ref.id);
        return fromWireObject(await rpc.request(ref.rank, { kind: 'object-get', id: ref.id }));
      },
      release: (request) => rpc.request(request.ref.rank, { kind: 'object-release', id: request.ref.id }),
      task: (request) => rpc.request(request.spec.rank, { kind: 'task', spec: request.spec }),
      'rank-service': async (request) => {
        const port = await this.services.connect(request.name);
        return withTransfer({ port }, [port]);
      },
      shutdown: async () => {
        if (caller !== 'main' || !this.isDriver) {
          throw new NotDriverError(`shutdown() belongs to the driver's main thread (rank ${this.driverRank})`, { details: { rank: this.rank } });
        }
        await this.shutdown();
        return null;
      },
    };
  }

  #connectLocal(actor: number, after: number, poll: boolean): Promise<Connection> {
    const supervisor = this.#actors.get(actor);
    if (!supervisor) return Promise.reject(new ActorNotFoundError(`no actor #${actor} on rank ${this.rank}`, { details: { actor, rank: this.rank } }));
    return supervisor.connect(after, poll);
  }

  // Requests from other ranks -------------------------------------------------------------------

  #rankHandlers(): RpcHandlers<RankRequest, RankReplies, number> {
    return {
      spawn: (request) => this.#requireHead().spawn(request.spec),
      lookup: (request) => this.#requireHead().lookup(request.name),
      status: () => this.#requireHead().status(),
      'actor-dead': (request) => {
        this.#requireHead().gone(request.id);
        return null;
      },
      create: async (request) => {
        if (this.#stopping) throw new ClosedError('the runtime is shut down');
        const gpus = this.#gpus.allocate(request.actor.id, request.spec.options.resources.gpu);
        const supervisor = new ActorSupervisor(request.actor, request.spec, gpus, this);
        this.#actors.set(request.actor.id, supervisor);
        const started = supervisor.start();
        // start() has taken the spare (if one was ready). A rank that starts one actor will
        // likely start more: the next thread boots while this actor loads its module.
        this.#spares.fill();
        await started;
        return null;
      },
      'open-relay': (request, source) => this.#relay.accept(source, request.conn, request.actor, request.after),
      kill: (request) => {
        const supervisor = this.#actors.get(request.actor);
        if (!supervisor) throw new ActorNotFoundError(`no actor #${request.actor} on rank ${this.rank}`, { details: { actor: request.actor, rank: this.rank } });
        supervisor.kill(request.restart);
        return null;
      },
      'object-get': (request) => toWireObject(this.#store.get(request.id)),
      'object-release': (request) => {
        this.#store.release(request.id);
        return null;
      },
      task: (request) => this.#tasks.run(request.spec),
      list: () => ({ actors: [...this.#actors.values()].map((actor) => actor.status()), objects: this.#store.usage() }),
      shutdown: async () => {
        await this.#stopLocal();
        // The reply goes out first; then this rank meets the others at the closing barrier.
        setImmediate(() => void this.#finish());
        return null;
      },
    };
  }

  #requireHead(): Head {
    if (!this.#head) throw new NotDriverError(`rank ${this.rank} is not the driver rank ${this.driverRank}`, { details: { rank: this.rank } });
    return this.#head;
  }
}
