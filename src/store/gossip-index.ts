// store/gossip-index.ts: every rank's replica of the index of stored models, kept in step by
// push-pull anti-entropy over the transport (tag 200), with no central server; and the donor
// query, answered from the local replica alone. Entries are written only by their owner rank.
// Ranks that stop answering are suspected and their models leave the donor query until they
// are heard from again. Knows entries and ranks, not tensors.

import { ClosedError } from '../errors.js';
import type { Transport } from '../transport/transport.js';
import { log } from '../util/log.js';
import { StoreOptionError } from './errors.js';
import { decodeGossip, encodeGossip } from './gossip-codec.js';
import { GossipReplica } from './gossip-replica.js';
import { blobKey, isReplicaList, kReplicaListKey, type IndexValue, type LayerInfo, type LayerRef, type MemoryLocation, type ModelEntry, type ReplicaList } from './model-entry.js';
import { defaultSuspectAfter, resolveGossipOptions, type GossipOptions, type ResolvedGossipOptions } from './options.js';
import { choosePeers } from './peer-choice.js';
import { PrefixIndex, type PrefixModel } from './prefix-index.js';
import type { GossipMsg, ReplicaEvent } from './gossip-protocol.js';
import type { DonorMatch, StoredModel } from './types.js';

export const kGossipTag = 200;

export interface GossipStats {
  rounds: number;
  messagesSent: number;
  bytesSent: number;
  entries: number;
  suspected: number[];
}

interface Indexed extends PrefixModel {
  entry: ModelEntry;
}

export class GossipIndex {
  readonly rank: number;
  readonly size: number;
  readonly options: ResolvedGossipOptions;
  readonly #transport: Transport;
  readonly #replica: GossipReplica<IndexValue>;
  readonly #prefix = new PrefixIndex<Indexed>();
  readonly #entries = new Map<string, ModelEntry>();
  /** Blob key → ranks holding a replica of it, and where. */
  readonly #replicasOf = new Map<string, Map<number, MemoryLocation>>();
  readonly #byOwner = new Map<number, Set<string>>();
  readonly #pending = new Map<number, { peer: number; timer: NodeJS.Timeout }>();
  #unsubscribe: (() => void) | undefined;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  #stats = { rounds: 0, messagesSent: 0, bytesSent: 0 };

  constructor(transport: Transport, options: GossipOptions = {}) {
    this.options = resolveGossipOptions(options);
    this.#transport = transport;
    this.rank = transport.rank;
    this.size = transport.size;
    const suspectAfter = this.options.suspectAfterPeriods ?? defaultSuspectAfter(this.size);
    this.#replica = new GossipReplica<IndexValue>({ rank: this.rank, size: this.size, suspectAfter });
    this.#replica.onEvent((e) => this.#onReplicaEvent(e));
    this.#unsubscribe = transport.subscribe(kGossipTag, (source, bytes) => this.#onMessage(source, bytes));
  }

  /** Starts the periodic rounds (one right away). Single-rank jobs have nobody to gossip with. */
  start(): void {
    if (this.#closed) throw new ClosedError('the gossip index is closed');
    if (this.#timer || this.size === 1) return;
    this.#timer = setInterval(() => this.gossipNow(), this.options.periodMs);
    this.#timer.unref();
    this.gossipNow();
  }

  /** One round now: beat the heartbeat and open an exchange with `fanout` peers. */
  gossipNow(): void {
    if (this.#closed || this.size === 1) return;
    this.#replica.tick();
    this.#stats.rounds++;
    const peers = choosePeers(this.rank, this.size, this.options.fanout, (r) => this.#replica.isSuspected(r), Math.random);
    for (const peer of peers) {
      const syn = this.#replica.syn();
      const timer = setTimeout(() => this.#onExchangeTimeout(syn.id), this.options.exchangeTimeoutMs);
      timer.unref();
      this.#pending.set(syn.id, { peer, timer });
      this.#send(peer, syn);
    }
  }

  /** Publishes (or republishes) one of this rank's own entries. */
  publish(entry: ModelEntry): void {
    if (this.#closed) throw new ClosedError('the gossip index is closed');
    if (entry.owner !== this.rank) {
      throw new StoreOptionError(`rank ${this.rank} cannot publish an entry owned by rank ${entry.owner}`, {
        details: { modelId: entry.modelId, owner: entry.owner },
      });
    }
    this.#replica.write(entry.modelId, entry);
  }

  /** Publishes this rank's list of replicas (replacing the previous one). */
  publishReplicas(layers: ReplicaList['layers']): void {
    if (this.#closed) throw new ClosedError('the gossip index is closed');
    this.#replica.write(kReplicaListKey, { kind: 'replicas', rank: this.rank, layers });
  }

  /** Other ranks, not suspected, that hold a replica of a layer blob in memory. */
  replicasOf(home: string, layerId: string): Array<{ rank: number; memory: MemoryLocation }> {
    const holders = this.#replicasOf.get(blobKey(home, layerId));
    if (!holders) return [];
    const out: Array<{ rank: number; memory: MemoryLocation }> = [];
    for (const [rank, memory] of holders) if (rank !== this.rank && !this.isSuspected(rank)) out.push({ rank, memory });
    return out;
  }

  entry(modelId: string): ModelEntry | undefined {
    return this.#entries.get(modelId);
  }

  entries(): IterableIterator<ModelEntry> {
    return this.#entries.values();
  }

  /** Live entries offered as donors (owner not suspected, not dropped). */
  get donorCount(): number {
    return this.#prefix.size;
  }

  isSuspected(rank: number): boolean {
    return rank !== this.rank && this.#replica.isSuspected(rank);
  }

  /** A caller found `rank` unreachable (a read timed out): stop relying on it. */
  suspect(rank: number): void {
    this.#replica.suspect(rank);
  }

  /** The live model sharing the longest prefix of `layerIds` (ties: better score, then newer),
   * or null when none shares even the first layer; models in `exclude` (a candidate's own
   * earlier attempt, say) are never the answer. Answered from this rank's replica. */
  donor(layerIds: readonly string[], exclude: readonly string[] = []): DonorMatch | null {
    // Set aside for the one query: the trie keeps one best model per node, so an excluded
    // model cannot be skipped in the walk. Each is O(its layers) to take out and put back.
    const aside = exclude.flatMap((id) => {
      const entry = this.#entries.get(id);
      return entry && this.#prefix.remove(id) ? [entry] : [];
    });
    try {
      const hit = this.#prefix.longestPrefix(layerIds);
      if (!hit) return null;
      const e = hit.model.entry;
      const layers = e.layers.slice(0, hit.matched).map((l) => this.resolve(e.modelId, l));
      return { modelId: e.modelId, owner: e.owner, score: e.score, createdAt: e.createdAt, matched: hit.matched, layers };
    } finally {
      for (const entry of aside) this.#reindex(entry);
    }
  }

  /** A model offered as donor (live, owner not suspected) with all its layers, or null. */
  model(modelId: string): StoredModel | null {
    const e = this.#entries.get(modelId);
    if (!e || !this.#prefix.has(modelId)) return null;
    return { modelId: e.modelId, owner: e.owner, score: e.score, createdAt: e.createdAt, layers: e.layers.map((l) => this.resolve(e.modelId, l)) };
  }

  /** Where the bytes of layer `info` of model `modelId` are, as far as this replica knows. */
  resolve(modelId: string, info: LayerInfo): LayerRef {
    let memory = info.memory ?? null;
    if (info.home !== modelId) {
      const home = this.#entries.get(info.home);
      memory = home?.layers.find((l) => l.layerId === info.layerId && l.home === info.home)?.memory ?? null;
    }
    return { layerId: info.layerId, home: info.home, rank: info.rank, byteLength: info.byteLength, tensors: info.tensors, memory };
  }

  stats(): GossipStats {
    const suspected: number[] = [];
    for (let r = 0; r < this.size; r++) if (this.isSuspected(r)) suspected.push(r);
    return { ...this.#stats, entries: this.#entries.size, suspected };
  }

  /** Stops gossiping; pending exchanges are dropped. The replica stays readable. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    for (const p of this.#pending.values()) clearTimeout(p.timer);
    this.#pending.clear();
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }

  #send(peer: number, msg: GossipMsg<IndexValue>): void {
    const bytes = encodeGossip(msg);
    this.#stats.messagesSent++;
    this.#stats.bytesSent += bytes.byteLength;
    // A failed send means the peer or this transport is gone; the exchange timeout (or close)
    // ends the exchange, so there is nothing more to do here than record it.
    this.#transport.send(peer, kGossipTag, bytes).catch((err: unknown) => log('warn', 'store.gossip.send_failed', { peer, err }));
  }

  #onMessage(source: number, bytes: Uint8Array): void {
    if (this.#closed) return;
    let msg: GossipMsg<IndexValue>;
    try {
      msg = decodeGossip<IndexValue>(bytes);
    } catch (err) {
      log('warn', 'store.gossip.bad_message', { source, err });
      return;
    }
    switch (msg.kind) {
      case 'syn':
        this.#send(source, this.#replica.onSyn(msg));
        break;
      case 'ack': {
        const pending = this.#pending.get(msg.id);
        if (!pending || pending.peer !== source) {
          log('debug', 'store.gossip.late_ack', { source, id: msg.id });
          return;
        }
        clearTimeout(pending.timer);
        this.#pending.delete(msg.id);
        this.#send(source, this.#replica.onAck(msg));
        break;
      }
      case 'ack2':
        this.#replica.onAck2(msg);
        break;
    }
  }

  #onExchangeTimeout(id: number): void {
    const pending = this.#pending.get(id);
    if (!pending) return;
    this.#pending.delete(id);
    log('info', 'store.gossip.no_answer', { peer: pending.peer });
    this.#replica.suspect(pending.peer);
  }

  #onReplicaEvent(e: ReplicaEvent<IndexValue>): void {
    if (e.kind === 'record') {
      const value = e.record.value;
      if (isReplicaList(value)) {
        this.#updateReplicas(value, e.previous?.value as ReplicaList | undefined);
        return;
      }
      const entry = value;
      this.#entries.set(entry.modelId, entry);
      let owned = this.#byOwner.get(entry.owner);
      if (!owned) this.#byOwner.set(entry.owner, (owned = new Set()));
      owned.add(entry.modelId);
      this.#reindex(entry);
      return;
    }
    log('info', e.kind === 'suspect' ? 'store.gossip.suspect' : 'store.gossip.alive', { peer: e.rank });
    for (const id of this.#byOwner.get(e.rank) ?? []) this.#reindex(this.#entries.get(id)!);
  }

  #updateReplicas(list: ReplicaList, previous: ReplicaList | undefined): void {
    for (const l of previous?.layers ?? []) {
      const key = blobKey(l.home, l.layerId);
      const holders = this.#replicasOf.get(key);
      holders?.delete(list.rank);
      if (holders?.size === 0) this.#replicasOf.delete(key);
    }
    for (const l of list.layers) {
      const key = blobKey(l.home, l.layerId);
      let holders = this.#replicasOf.get(key);
      if (!holders) this.#replicasOf.set(key, (holders = new Map()));
      holders.set(list.rank, l.memory);
    }
  }

  #reindex(entry: ModelEntry): void {
    const offered = entry.status === 'live' && !this.isSuspected(entry.owner);
    if (!offered) {
      this.#prefix.remove(entry.modelId);
      return;
    }
    // Re-adding is O(layers); a republished entry (a blob moved to its spill file) must not
    // leave the trie answering with its old locations.
    this.#prefix.add({ modelId: entry.modelId, score: entry.score, createdAt: entry.createdAt, layerIds: entry.layers.map((l) => l.layerId), entry });
  }
}
