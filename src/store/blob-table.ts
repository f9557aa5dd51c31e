// store/blob-table.ts: the engine under LayerStore. Places layer blobs in shared-memory arenas
// within a byte budget, evicts the least recently used unpinned blob to its spill file when
// the budget is reached, reloads spilled blobs on demand and frees what retention lets go.
// Knows blobs, arenas and files; not models, gossip or peers.

import type { Transport } from '../transport/transport.js';
import { Arena, roundUp } from './arena.js';
import type { MemoryLocation, TensorMeta } from './model-entry.js';
import type { ResolvedLayerStoreOptions } from './options.js';
import { readSpill, removeSpill, spillPath, writeSpill } from './spill.js';

export interface Blob {
  readonly key: string;
  readonly home: string;
  readonly layerId: string;
  readonly byteLength: number;
  readonly tensors: TensorMeta[];
  /** A copy of a peer's layer: dropped, never spilled, when room is needed. */
  readonly replica: boolean;
  arena: Arena | null;
  offset: number;
  pins: number;
  /** Its spill file exists (blobs never change, so a spilled blob spills only once). */
  spilled: boolean;
}

export class BlobTable {
  readonly #transport: Transport;
  readonly #options: ResolvedLayerStoreOptions;
  /** Called when an own blob moves between memory and its spill file, or a replica comes or goes. */
  readonly #onChange: (blob: Blob) => void;
  readonly #blobs = new Map<string, Blob>();
  /** Resident blobs, least recently used first (a Map keeps insertion order). */
  readonly #lru = new Map<string, Blob>();
  readonly #arenas: Arena[] = [];
  /** Keys of replicas reserved and still being read (see reserve). */
  readonly #reserved = new Set<string>();
  #resident = 0;
  #replicasFreed = 0;
  #chain: Promise<unknown> = Promise.resolve();

  constructor(transport: Transport, options: ResolvedLayerStoreOptions, onChange: (blob: Blob) => void) {
    this.#transport = transport;
    this.#options = options;
    this.#onChange = onChange;
  }

  get residentBytes(): number {
    return this.#resident;
  }

  get arenaBytes(): number {
    return this.#arenas.reduce((sum, a) => sum + a.byteLength, 0);
  }

  /** Replicas let go so far (evicted or removed): a count no sampling can miss. */
  get replicasFreed(): number {
    return this.#replicasFreed;
  }

  get arenaCount(): number {
    return this.#arenas.length;
  }

  get(key: string): Blob | undefined {
    return this.#blobs.get(key);
  }

  values(): IterableIterator<Blob> {
    return this.#blobs.values();
  }

  memoryOf(blob: Blob): MemoryLocation | null {
    return blob.arena ? { region: blob.arena.region.ref, offset: blob.offset } : null;
  }

  /** A resident blob's bytes (a view of shared memory), marked as just used. */
  view(blob: Blob): Uint8Array {
    this.#lru.delete(blob.key);
    this.#lru.set(blob.key, blob);
    return blob.arena!.bytes.subarray(blob.offset, blob.offset + blob.byteLength);
  }

  /** Stores a new blob: in memory if room can be made, else straight into its spill file. */
  add(init: { key: string; home: string; layerId: string; byteLength: number; tensors: TensorMeta[]; replica: boolean }, fill: (target: Uint8Array) => void): Promise<Blob | undefined> {
    return this.#exclusive(async () => {
      if (this.#blobs.has(init.key)) return this.#blobs.get(init.key);
      const blob: Blob = { ...init, arena: null, offset: 0, pins: 0, spilled: false };
      if (await this.#place(blob)) {
        fill(this.view(blob));
      } else if (init.replica) {
        return undefined;
      } else {
        const staging = new Uint8Array(init.byteLength);
        fill(staging);
        await writeSpill(this.#spillPathOf(blob), { home: blob.home, layerId: blob.layerId, byteLength: blob.byteLength, tensors: blob.tensors }, staging);
        blob.spilled = true;
      }
      this.#blobs.set(blob.key, blob);
      if (blob.replica) this.#onChange(blob);
      return blob;
    });
  }

  /**
   * Memory for a replica that is still being read from a peer: placed (evicting as needed) and
   * pinned, but not yet a blob anyone finds. `commit` makes it one once its bytes are verified,
   * `discard` frees it. Undefined when that blob exists or is reserved already, or no room can
   * be made.
   */
  reserve(init: { key: string; home: string; layerId: string; byteLength: number; tensors: TensorMeta[] }): Promise<Blob | undefined> {
    return this.#exclusive(async () => {
      if (this.#blobs.has(init.key) || this.#reserved.has(init.key)) return undefined;
      const blob: Blob = { ...init, replica: true, arena: null, offset: 0, pins: 1, spilled: false };
      if (!(await this.#place(blob))) return undefined;
      this.#reserved.add(blob.key);
      return blob;
    });
  }

  /** A reserved replica's bytes are in and verified: it becomes a blob, still pinned once. */
  commit(blob: Blob): Promise<void> {
    return this.#exclusive(async () => {
      this.#reserved.delete(blob.key);
      this.#blobs.set(blob.key, blob);
      this.#onChange(blob);
    });
  }

  /** A reserved replica's read failed: its memory goes back. */
  discard(blob: Blob): Promise<void> {
    return this.#exclusive(async () => {
      this.#reserved.delete(blob.key);
      blob.pins = 0;
      this.#unplace(blob);
    });
  }

  /** Brings a spilled blob back into memory when room can be made; its bytes either way. */
  reload(blob: Blob): Promise<{ bytes: Uint8Array; resident: boolean }> {
    return this.#exclusive(async () => {
      if (blob.arena) return { bytes: this.view(blob), resident: true };
      const { blob: bytes } = await readSpill(this.#spillPathOf(blob), blob.home, blob.layerId);
      if (this.#blobs.get(blob.key) !== blob || !(await this.#place(blob))) return { bytes, resident: false };
      const target = this.view(blob);
      target.set(bytes);
      this.#onChange(blob);
      return { bytes: target, resident: true };
    });
  }

  /** Forgets a blob: frees its memory and deletes its spill file. */
  remove(blob: Blob): Promise<void> {
    return this.#exclusive(async () => {
      if (this.#blobs.get(blob.key) !== blob) return;
      this.#blobs.delete(blob.key);
      this.#unplace(blob);
      if (blob.replica) {
        this.#replicasFreed++;
        this.#onChange(blob);
      }
      if (blob.spilled) await removeSpill(this.#spillPathOf(blob));
    });
  }

  spillPathOf(home: string, layerId: string, rank = this.#transport.rank): string {
    return spillPath(this.#options.spillDir, rank, home, layerId);
  }

  close(): void {
    for (const a of this.#arenas) a.release();
    this.#arenas.length = 0;
  }

  #spillPathOf(blob: Blob): string {
    return this.spillPathOf(blob.home, blob.layerId);
  }

  /** Finds memory for `blob` within the budget, evicting as needed; false when it cannot. */
  async #place(blob: Blob): Promise<boolean> {
    const need = blob.byteLength;
    if (need > this.#options.capacityBytes) return false;
    while (this.#resident + need > this.#options.capacityBytes) {
      if (!(await this.#evictOne())) return false;
    }
    let arena: Arena | undefined;
    let offset = -1;
    for (const a of this.#arenas) {
      offset = a.alloc(need);
      if (offset >= 0) {
        arena = a;
        break;
      }
    }
    if (!arena) {
      // No bigger than the budget could ever fill, and big enough for this blob.
      const usual = Math.min(this.#options.arenaBytes, roundUp(this.#options.capacityBytes, 4096));
      arena = new Arena(this.#transport, Math.max(usual, roundUp(need, 4096)));
      this.#arenas.push(arena);
      offset = arena.alloc(need);
    }
    blob.arena = arena;
    blob.offset = offset;
    this.#resident += need;
    this.#lru.set(blob.key, blob);
    return true;
  }

  #unplace(blob: Blob): void {
    if (!blob.arena) return;
    const arena = blob.arena;
    arena.free(blob.offset, blob.byteLength);
    blob.arena = null;
    this.#resident -= blob.byteLength;
    this.#lru.delete(blob.key);
    // An empty arena goes back; peers still holding its region find it gone and fall back.
    if (arena.used === 0) {
      arena.release();
      this.#arenas.splice(this.#arenas.indexOf(arena), 1);
    }
  }

  /** Moves the least recently used unpinned blob out of memory; false when every one is pinned. */
  async #evictOne(): Promise<boolean> {
    for (const victim of this.#lru.values()) {
      if (victim.pins > 0) continue;
      if (victim.replica) {
        this.#blobs.delete(victim.key);
        this.#unplace(victim);
        this.#replicasFreed++;
        this.#onChange(victim);
        return true;
      }
      if (!victim.spilled) {
        const bytes = victim.arena!.bytes.subarray(victim.offset, victim.offset + victim.byteLength);
        await writeSpill(this.#spillPathOf(victim), { home: victim.home, layerId: victim.layerId, byteLength: victim.byteLength, tensors: victim.tensors }, bytes);
        victim.spilled = true;
        // A reader may have pinned it while the file was written; try the next one then.
        if (victim.pins > 0) return true;
      }
      this.#unplace(victim);
      this.#onChange(victim);
      return true;
    }
    return false;
  }

  #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#chain.then(fn, fn);
    this.#chain = run.catch(() => undefined);
    return run;
  }
}
