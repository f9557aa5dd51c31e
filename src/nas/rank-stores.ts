// nas/rank-stores.ts: each rank's layer store for a search (gossip index, layer store, and the
// rank service its actors reach it through), the driver's word on which models to keep (every
// rank then drops the rest), and its orderly end: the driver tells every other rank to close
// its store and waits for each to say so before the runtime shuts the job down, so no gossip
// or fetch is in flight when transports close. Each rank samples its store's figures into the
// run directory (store-stats-file.ts). Knows the store and the transport, not the search.

import { join } from 'node:path';
import { TimeoutError } from '../errors.js';
import type { Runtime } from '../runtime/index.js';
import { GossipIndex, LayerStore } from '../store/index.js';
import type { Transport } from '../transport/index.js';
import { log } from '../util/log.js';
import { StoreBridge } from './store-bridge.js';
import { recordStoreStats } from './store-stats-file.js';
import { kStoreRetainTag, kStoreStopTag, kStoreStoppedTag } from './tags.js';

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
  #closed = false;
  #stopped: Promise<void>;
  #retaining: Promise<unknown> = Promise.resolve();
  readonly #unsubscribeRetain: () => void;
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
    this.#unsubscribeRetain = transport.subscribe(kStoreRetainTag, (_source, bytes) => {
      this.#retain(JSON.parse(new TextDecoder().decode(bytes)) as string[]);
    });
    // Every rank but the driver waits for the driver's word to close.
    this.#stopped = new Promise<void>((resolve) => {
      const unsubscribe = transport.subscribe(kStoreStopTag, (source) => {
        unsubscribe();
        void this.close().then(() => transport.send(source, kStoreStoppedTag, new Uint8Array(1))).catch((err) => log('warn', 'nas.store.stop', { error: err })).finally(resolve);
      });
    });
  }

  /** Resolves when the driver has told this rank to close its store (and it has). */
  get stopped(): Promise<void> {
    return this.#stopped;
  }

  /** Driver: every rank keeps these models (and what they point at) and drops its others. */
  retainEverywhere(keep: string[]): void {
    const t = this.#transport;
    const bytes = new TextEncoder().encode(JSON.stringify(keep));
    for (let r = 0; r < t.size; r++) {
      if (r !== t.rank) t.send(r, kStoreRetainTag, bytes).catch((err) => log('warn', 'nas.store.retain_send', { rank: r, error: err }));
    }
    this.#retain(keep);
  }

  #retain(keep: string[]): void {
    if (this.#closed) return;
    this.#retaining = this.#retaining
      .then(() => (this.#closed ? undefined : this.store.retain(keep, { graceCalls: kRetainGraceCalls })))
      .then((r) => r && r.dropped.length > 0 && log('info', 'nas.store.retained', { kept: keep.length, dropped: r.dropped.length, bytesFreed: r.bytesFreed }))
      .catch((err) => log('warn', 'nas.store.retain', { error: err }));
  }

  /** Driver: closes every other rank's store, then its own. */
  async stopAll(): Promise<void> {
    const t = this.#transport;
    const others = Array.from({ length: t.size }, (_, r) => r).filter((r) => r !== t.rank);
    const pending = new Set(others);
    const done = new Promise<void>((resolve, reject) => {
      if (pending.size === 0) return resolve();
      const timer = setTimeout(() => {
        unsubscribe();
        reject(new TimeoutError(`ranks ${[...pending].join(', ')} did not close their layer stores within ${kStopWaitMs} ms`));
      }, kStopWaitMs);
      const unsubscribe = t.subscribe(kStoreStoppedTag, (source) => {
        pending.delete(source);
        if (pending.size > 0) return;
        clearTimeout(timer);
        unsubscribe();
        resolve();
      });
    });
    await Promise.all(others.map((r) => t.send(r, kStoreStopTag, new Uint8Array(1))));
    try {
      await done;
    } finally {
      await this.close();
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#unsubscribeRetain();
    await this.#retaining;
    // The last sample before the bridge closes: what the actors still hold then, they did not release.
    this.#stopStats();
    this.#bridge.close();
    this.index.close();
    await this.store.close();
  }
}
