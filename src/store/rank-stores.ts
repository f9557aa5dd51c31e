// store/rank-stores.ts: each rank's layer store for a search (gossip index, layer store, and the
// rank service its actors reach it through), the driver's word on which models to keep (every
// rank then drops the rest), and its orderly end: the driver asks every other rank to close its
// store and waits for each to answer before the runtime shuts the job down, so no gossip or
// fetch is in flight when transports close. The driver's requests are RPCs over the transport
// (rank-protocol.ts). Each rank samples its store's figures into the run directory
// (store-stats-file.ts). Knows the store, the runtime and the transport, not the search.

import { hostname } from 'node:os';
import { join } from 'node:path';
import { GraftError } from '../errors.js';
import { Rpc, transportEndpoint, type Runtime } from '../runtime/index.js';
import type { Transport } from '../transport/index.js';
import { log } from '../util/log.js';
import { recordStoreStats } from './store-stats-file.js';
import { GossipIndex } from './gossip-index.js';
import { LayerStore } from './layer-store.js';
import { kRankStoreProtocol, type RankStoreReplies, type RankStoreRequest } from './rank-protocol.js';
import { StoreBridge } from './store-bridge.js';

/** The driver's requests to every rank's store (the store's tags are 200–299). */
export const kRankStoreTag = 201;
const kStopWaitMs = 30_000;
/** A model left out of the kept set goes only when the next call leaves it out too: a child
 * still training from it, or whose entry (which points at its layers) is still spreading, is
 * then in the set by that time. */
const kRetainGraceCalls = 2;

export class RankStores {
  readonly index: GossipIndex;
  readonly store: LayerStore;
  readonly #bridge: StoreBridge;
  readonly #transport: Transport;
  readonly #rpc: Rpc<RankStoreRequest, RankStoreReplies, number>;
  #closed = false;
  #retaining: Promise<unknown> = Promise.resolve();
  readonly #stopStats: () => void;

  constructor(runtime: Runtime, transport: Transport, options: { out: string; storeMb: number; spillDir: string | null }) {
    this.#transport = transport;
    this.index = new GossipIndex(transport);
    this.store = new LayerStore(transport, this.index, {
      capacityBytes: options.storeMb * 1024 * 1024,
      spillDir: options.spillDir ?? join(options.out, 'spill'),
    });
    this.#bridge = new StoreBridge(runtime, this.store);
    this.#stopStats = recordStoreStats(this.store, options.out);
    this.index.start();
    this.#rpc = new Rpc(transportEndpoint(transport, kRankStoreTag), {
      protocol: kRankStoreProtocol,
      handlers: {
        retain: ({ keep }) => {
          this.#retain(keep);
          return null;
        },
        // Every rank but the driver closes when the driver asks; the reply goes out after.
        stop: async () => {
          await this.close();
          return null;
        },
      },
      origin: { rank: transport.rank, host: hostname() },
    });
  }

  /** Driver: every rank keeps these models (and what they point at) and drops its others. */
  retainEverywhere(keep: string[]): void {
    for (const r of this.#others()) {
      this.#rpc.request(r, { kind: 'retain', keep }).catch((err) => log('warn', 'store.rank.retain_send', { rank: r, error: err }));
    }
    this.#retain(keep);
  }

  #retain(keep: string[]): void {
    if (this.#closed) return;
    this.#retaining = this.#retaining
      .then(() => (this.#closed ? undefined : this.store.retain(keep, { graceCalls: kRetainGraceCalls })))
      .then((r) => r && r.dropped.length > 0 && log('info', 'store.rank.retained', { kept: keep.length, dropped: r.dropped.length, bytesFreed: r.bytesFreed }))
      .catch((err) => log('warn', 'store.rank.retain', { error: err }));
  }

  /** Driver: closes every other rank's store, then its own. */
  async stopAll(): Promise<void> {
    const others = this.#others();
    try {
      const results = await Promise.allSettled(others.map((r) => this.#rpc.request(r, { kind: 'stop' }, { timeoutMs: kStopWaitMs })));
      const failed = others.filter((_, i) => results[i]!.status === 'rejected');
      if (failed.length > 0) {
        const first = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
        throw new GraftError(`ranks ${failed.join(', ')} did not close their layer stores`, { cause: first.reason, details: { ranks: failed } });
      }
    } finally {
      await this.close();
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#rpc.close();
    await this.#retaining;
    // The last sample before the bridge closes: what the actors still hold then, they did not release.
    this.#stopStats();
    this.#bridge.close();
    this.index.close();
    await this.store.close();
  }

  #others(): number[] {
    const t = this.#transport;
    return Array.from({ length: t.size }, (_, r) => r).filter((r) => r !== t.rank);
  }
}
