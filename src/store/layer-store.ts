// store/layer-store.ts: one rank's layer store. Keeps the layers its actors trained in shared
// memory arenas that peers read one-sided; stores a model incrementally (its new layers, and
// pointers to its donors' layers for the rest); keeps within a byte budget by spilling the
// least recently used layers to files; drops models that left the population. Publishes every
// model it stores to the gossip index. A store starts empty: its rank's spill folder is
// cleared of an earlier process's files. Knows layers, not how they were trained.

import { ClosedError } from '../errors.js';
import type { Transport } from '../transport/transport.js';
import { log } from '../util/log.js';
import { BlobTable, type Blob } from './blob-table.js';
import { checkLayerRecord, layoutOf, writeBlob } from './blob.js';
import { DuplicateModelError, StoreOptionError } from './errors.js';
import { fetchLayers, type Landing } from './fetch.js';
import type { GossipIndex } from './gossip-index.js';
import { LandingPool } from './landing.js';
import type { LayerRecord } from './layer-record.js';
import { blobKey, type LayerInfo, type LayerRef, type ModelEntry } from './model-entry.js';
import { resolveStoreOptions, type LayerStoreOptions, type ResolvedLayerStoreOptions } from './options.js';
import type { FetchResult, PutModel, PutResult } from './types.js';
import { clearRankSpill } from './spill.js';

export interface RetainResult {
  /** Models of this rank dropped by this call. */
  dropped: string[];
  /** Bytes of layer blobs freed (memory and spill files). */
  bytesFreed: number;
}

export interface StoreStats {
  models: number;
  blobs: number;
  replicas: number;
  /** Replicas let go so far (evicted, released or dropped). */
  replicasFreed: number;
  residentBytes: number;
  capacityBytes: number;
  spilledBytes: number;
  arenas: number;
  arenaBytes: number;
  /** Blobs held by fetches not yet released (never evicted, spilled or dropped until then). */
  pinnedBlobs: number;
  /** Over all puts so far. */
  bytesStored: number;
  bytesSaved: number;
}

export class LayerStore {
  readonly options: ResolvedLayerStoreOptions;
  readonly #transport: Transport;
  readonly #index: GossipIndex;
  readonly #table: BlobTable;
  readonly #landing = new LandingPool();
  /** Own live models left out of retain's kept set, and in how many calls in a row. */
  readonly #outside = new Map<string, number>();
  /** This rank's own entries, as last published. */
  readonly #own = new Map<string, ModelEntry>();
  /** Model ids whose put is under way, so a second put of the same id is refused at once. */
  readonly #putting = new Set<string>();
  #bytesStored = 0;
  #bytesSaved = 0;
  #closed = false;

  constructor(transport: Transport, index: GossipIndex, options: LayerStoreOptions = {}) {
    this.options = resolveStoreOptions(options);
    if (index.rank !== transport.rank) {
      throw new StoreOptionError(`the index belongs to rank ${index.rank}, the transport to rank ${transport.rank}`);
    }
    this.#transport = transport;
    this.#index = index;
    clearRankSpill(this.options.spillDir, transport.rank);
    this.#table = new BlobTable(transport, this.options, (blob) => (blob.replica ? this.#publishReplicas() : this.#moved(blob)));
  }

  get rank(): number {
    return this.#transport.rank;
  }

  get index(): GossipIndex {
    return this.#index;
  }

  /** Stores a trained model: its new layers here, pointers for the layers it took from donors. */
  async put(model: PutModel): Promise<PutResult> {
    this.#checkOpen();
    checkPut(model);
    if (this.#own.has(model.modelId) || this.#putting.has(model.modelId) || this.#index.entry(model.modelId)) {
      throw new DuplicateModelError(`model ${model.modelId} is already stored`, { details: { modelId: model.modelId } });
    }
    this.#putting.add(model.modelId);
    try {
      return await this.#put(model);
    } finally {
      this.#putting.delete(model.modelId);
    }
  }

  async #put(model: PutModel): Promise<PutResult> {
    const layers: LayerInfo[] = [];
    const result: PutResult = { modelId: model.modelId, layersStored: 0, layersReferenced: 0, bytesStored: 0, bytesSaved: 0 };
    for (const layer of model.layers) {
      if (isRef(layer)) {
        layers.push({ layerId: layer.layerId, home: layer.home, rank: layer.rank, byteLength: layer.byteLength, tensors: layer.tensors });
        result.layersReferenced++;
        result.bytesSaved += layer.byteLength;
        continue;
      }
      const { metas, byteLength } = layoutOf(layer.tensors);
      const key = blobKey(model.modelId, layer.layerId);
      await this.#table.add({ key, home: model.modelId, layerId: layer.layerId, byteLength, tensors: metas, replica: false }, (target) => writeBlob(target, layer.tensors, metas));
      layers.push({ layerId: layer.layerId, home: model.modelId, rank: this.rank, byteLength, tensors: metas });
      result.layersStored++;
      result.bytesStored += byteLength;
    }
    // Locations are read only now: a later layer of this same model may have evicted an
    // earlier one to its spill file.
    const located = layers.map((l) => (l.home === model.modelId ? this.#withLocation(l) : l));
    const entry: ModelEntry = { modelId: model.modelId, owner: this.rank, score: model.score, createdAt: model.createdAt ?? Date.now(), status: 'live', layers: located };
    this.#own.set(entry.modelId, entry);
    this.#index.publish(entry);
    this.#bytesStored += result.bytesStored;
    this.#bytesSaved += result.bytesSaved;
    log('debug', 'store.put', { ...result });
    return result;
  }

  /** Reads the given layers (usually `index.donor(ids).layers`) from the best source each. */
  async fetch(layers: readonly LayerRef[]): Promise<FetchResult> {
    this.#checkOpen();
    if (!Array.isArray(layers)) throw new StoreOptionError('fetch takes an array of layer refs');
    return fetchLayers(
      {
        transport: this.#transport,
        index: this.#index,
        table: this.#table,
        fetchTimeoutMs: this.options.fetchTimeoutMs,
        land: (ref) => this.#land(ref),
      },
      layers,
    );
  }

  /** Drops this rank's models that are neither in `keep` nor among the `topK` best live models
   * of the whole index (with `graceCalls` n, only once that held for n calls in a row: a model
   * just left out may still be a donor whose child's entry is on its way), and frees every
   * layer no live model references any more. */
  async retain(keep: Iterable<string>, options: { topK?: number; graceCalls?: number } = {}): Promise<RetainResult> {
    this.#checkOpen();
    const topK = options.topK ?? 0;
    const grace = options.graceCalls ?? 1;
    if (!Number.isSafeInteger(topK) || topK < 0) throw new StoreOptionError(`retain: topK must be a non-negative integer, got ${String(topK)}`);
    if (!Number.isSafeInteger(grace) || grace < 1) throw new StoreOptionError(`retain: graceCalls must be a positive integer, got ${String(grace)}`);
    const kept = new Set(keep);
    const live = [...this.#index.entries()].filter((e) => e.status === 'live');
    live.sort((a, b) => b.score - a.score || b.createdAt - a.createdAt);
    for (const e of live.slice(0, topK)) kept.add(e.modelId);

    const dropped: string[] = [];
    for (const e of this.#own.values()) {
      if (e.status !== 'live' || kept.has(e.modelId)) {
        this.#outside.delete(e.modelId);
        continue;
      }
      // Outside the kept set for `grace` calls in a row before it goes.
      const calls = (this.#outside.get(e.modelId) ?? 0) + 1;
      if (calls < grace) this.#outside.set(e.modelId, calls);
      else {
        this.#outside.delete(e.modelId);
        dropped.push(e.modelId);
      }
    }
    const droppedSet = new Set(dropped);
    // Every layer a surviving model points at, wherever its bytes live.
    const referenced = new Set<string>();
    for (const e of this.#index.entries()) {
      if (e.status !== 'live' || droppedSet.has(e.modelId)) continue;
      for (const l of e.layers) referenced.add(blobKey(l.home, l.layerId));
    }
    let bytesFreed = 0;
    for (const blob of [...this.#table.values()]) {
      const homeEntry = this.#own.get(blob.home) ?? this.#index.entry(blob.home);
      const homeGone = droppedSet.has(blob.home) || homeEntry?.status === 'dropped';
      // A blob someone is reading (a fetch not yet released) goes at a later call.
      if (!homeGone || referenced.has(blob.key) || blob.pins > 0) continue;
      await this.#table.remove(blob);
      bytesFreed += blob.byteLength;
    }
    for (const e of this.#own.values()) {
      if (e.status === 'live' && !droppedSet.has(e.modelId)) continue;
      const layers = e.layers.filter((l) => l.home === e.modelId && this.#table.get(blobKey(l.home, l.layerId)));
      if (e.status === 'dropped' && layers.length === e.layers.length) continue;
      this.#republish({ ...e, status: 'dropped', layers: layers.map((l) => this.#withLocation(l)) });
    }
    log('info', 'store.retain', { dropped: dropped.length, bytesFreed });
    return { dropped, bytesFreed };
  }

  stats(): StoreStats {
    let blobs = 0;
    let replicas = 0;
    let spilledBytes = 0;
    let pinnedBlobs = 0;
    for (const b of this.#table.values()) {
      if (b.replica) replicas++;
      else blobs++;
      if (b.pins > 0) pinnedBlobs++;
      if (!b.arena) spilledBytes += b.byteLength;
    }
    let models = 0;
    for (const e of this.#own.values()) if (e.status === 'live') models++;
    return {
      models,
      blobs,
      replicas,
      replicasFreed: this.#table.replicasFreed,
      residentBytes: this.#table.residentBytes,
      capacityBytes: this.options.capacityBytes,
      spilledBytes,
      arenas: this.#table.arenaCount,
      arenaBytes: this.#table.arenaBytes,
      pinnedBlobs,
      bytesStored: this.#bytesStored,
      bytesSaved: this.#bytesSaved,
    };
  }

  /** Withdraws the arenas from the transport. Spill files stay for other ranks to read. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#table.close();
  }

  /**
   * Where a layer read from a peer lands: straight into a replica slot of this rank's memory
   * when the store keeps replicas and has room (no copy afterwards), else a reusable landing
   * block. Either is the caller's until it releases the fetch.
   */
  async #land(ref: LayerRef): Promise<Landing> {
    let blob: Blob | undefined;
    if (this.options.keepReplicas) {
      try {
        blob = await this.#table.reserve({ key: blobKey(ref.home, ref.layerId), home: ref.home, layerId: ref.layerId, byteLength: ref.byteLength, tensors: ref.tensors });
      } catch (err) {
        log('warn', 'store.replica_failed', { layerId: ref.layerId, home: ref.home, err });
      }
    }
    if (blob) {
      const replica = blob;
      let pinned = false;
      return {
        bytes: this.#table.view(replica),
        settle: async (verified) => {
          if (!verified) return this.#table.discard(replica);
          await this.#table.commit(replica);
          pinned = true;
        },
        release: () => {
          if (pinned) replica.pins--;
          pinned = false;
        },
      };
    }
    const bytes = this.#landing.take(ref.byteLength);
    let held = false;
    return {
      bytes,
      settle: async (verified) => {
        if (verified) held = true;
        else this.#landing.give(bytes);
      },
      release: () => {
        if (held) this.#landing.give(bytes);
        held = false;
      },
    };
  }

  /** The replica set changed: tell the index which peers' layers this rank holds, and where. */
  #publishReplicas(): void {
    if (this.#closed) return;
    const layers = [];
    for (const b of this.#table.values()) {
      if (b.replica && b.arena) layers.push({ home: b.home, layerId: b.layerId, memory: this.#table.memoryOf(b)! });
    }
    this.#index.publishReplicas(layers);
  }

  /** An own blob moved between memory and its spill file: tell the index where it is now. */
  #moved(blob: Blob): void {
    const entry = this.#own.get(blob.home);
    if (!entry) return;
    this.#republish({ ...entry, layers: entry.layers.map((l) => (l.home === entry.modelId && l.layerId === blob.layerId ? this.#withLocation(l) : l)) });
  }

  #withLocation(l: LayerInfo): LayerInfo {
    const blob = this.#table.get(blobKey(l.home, l.layerId));
    return { ...l, memory: blob ? this.#table.memoryOf(blob) : null };
  }

  #republish(entry: ModelEntry): void {
    this.#own.set(entry.modelId, entry);
    if (!this.#closed) this.#index.publish(entry);
  }

  #checkOpen(): void {
    if (this.#closed) throw new ClosedError(`rank ${this.rank}'s layer store is closed`);
  }
}

function isRef(layer: LayerRecord | LayerRef): layer is LayerRef {
  return typeof (layer as LayerRef).home === 'string';
}

function checkPut(model: PutModel): void {
  if (typeof model !== 'object' || model === null) throw new StoreOptionError('put takes a model object');
  if (typeof model.modelId !== 'string' || model.modelId === '') throw new StoreOptionError('put: modelId must be a non-empty string');
  if (typeof model.score !== 'number' || !Number.isFinite(model.score)) {
    throw new StoreOptionError(`put: score of ${model.modelId} must be a finite number`, { details: { modelId: model.modelId } });
  }
  if (model.createdAt !== undefined && !Number.isFinite(model.createdAt)) {
    throw new StoreOptionError(`put: createdAt of ${model.modelId} must be a finite number`, { details: { modelId: model.modelId } });
  }
  if (!Array.isArray(model.layers) || model.layers.length === 0) {
    throw new StoreOptionError(`put: model ${model.modelId} needs at least one layer`, { details: { modelId: model.modelId } });
  }
  const seen = new Set<string>();
  for (const layer of model.layers) {
    if (isRef(layer)) {
      if (typeof layer.layerId !== 'string' || !Number.isSafeInteger(layer.rank) || !Array.isArray(layer.tensors) || !Number.isSafeInteger(layer.byteLength)) {
        throw new StoreOptionError(`put: model ${model.modelId} has a malformed layer ref`, { details: { modelId: model.modelId } });
      }
    } else {
      checkLayerRecord(layer, `put ${model.modelId}`);
    }
    if (seen.has(layer.layerId)) {
      throw new StoreOptionError(`put: layer id ${layer.layerId} appears twice in model ${model.modelId}`, { details: { modelId: model.modelId, layerId: layer.layerId } });
    }
    seen.add(layer.layerId);
  }
}
