// store/fetch.ts: gets the bytes of donor layers for a candidate. Per layer it tries a copy on
// this rank (a view of shared memory, no copy), then the owner's memory read one-sided over
// the transport (contiguous layers in one read), then a replica on another live rank, then
// the spill file; every tensor's checksum is verified before it is handed out. Layers that
// cannot be had are reported, not thrown: the caller trains them from scratch. Knows refs,
// blobs and the transport; not models.

import type { GraftError } from '../errors.js';
import type { Transport } from '../transport/transport.js';
import { log } from '../util/log.js';
import type { BlobTable } from './blob-table.js';
import { verifiedTensors } from './blob.js';
import { ChecksumMismatchError, LayerUnavailableError } from './errors.js';
import type { GossipIndex } from './gossip-index.js';
import type { LayerRecord } from './layer-record.js';
import { blobKey, type LayerRef, type MemoryLocation } from './model-entry.js';
import { readSpill } from './spill.js';

export type LayerSource = 'local' | 'peer' | 'spill';

export interface FetchedLayer extends LayerRecord {
  home: string;
  source: LayerSource;
}

export interface MissingLayer {
  layerId: string;
  home: string;
  /** The code of the last error met (e.g. ERR_CHECKSUM_MISMATCH, ERR_LAYER_UNAVAILABLE). */
  reason: string;
  error: GraftError;
}

export interface FetchResult {
  /** The layers obtained, in the order asked, each verified. */
  layers: FetchedLayer[];
  /** The layers that could not be had; train these from scratch. */
  missing: MissingLayer[];
  bytes: number;
  seconds: number;
  bytesBySource: Record<LayerSource, number>;
  /** Where most of the bytes came from; 'none' when nothing came. */
  source: LayerSource | 'none';
  /** Ends the use of 'local' layers: until then their shared memory stays put (pinned). */
  release(): void;
}

export interface FetchContext {
  transport: Transport;
  index: GossipIndex;
  table: BlobTable;
  fetchTimeoutMs: number;
  /** Keeps a copy of a layer read from a peer, if the store wants one. */
  keep(ref: LayerRef, blob: Uint8Array): Promise<void>;
}

export async function fetchLayers(ctx: FetchContext, refs: readonly LayerRef[]): Promise<FetchResult> {
  const started = performance.now();
  const got = new Array<FetchedLayer | undefined>(refs.length);
  const errors = new Array<GraftError | undefined>(refs.length);
  const pinned: Array<{ pins: number }> = [];
  const remote: number[] = [];

  // 1. This rank's own copies: resident ones as views; spilled own ones reloaded.
  for (let i = 0; i < refs.length; i++) {
    const ref = refs[i]!;
    const blob = ctx.table.get(blobKey(ref.home, ref.layerId));
    if (!blob) {
      remote.push(i);
      continue;
    }
    try {
      blob.pins++;
      const wasResident = blob.arena !== null;
      const { bytes, resident } = wasResident ? { bytes: ctx.table.view(blob), resident: true } : await ctx.table.reload(blob);
      if (!resident) blob.pins--;
      else pinned.push(blob);
      got[i] = layerOf(ref, bytes, wasResident ? 'local' : 'spill');
    } catch (err) {
      if (pinned.at(-1) === blob) pinned.pop();
      blob.pins--;
      errors[i] = err as GraftError;
      remote.push(i);
    }
  }

  // 2. The owners' memory, all reads in flight together; then, for what failed, replicas
  // that other live ranks advertise; 3. spill files for whatever is left.
  await Promise.all(groupReads(ctx, refs, remote).map((g) => readGroup(ctx, refs, g, got, errors)));
  for (const i of remote) {
    if (got[i]) continue;
    const ref = refs[i]!;
    for (const holder of ctx.index.replicasOf(ref.home, ref.layerId)) {
      const read = { rank: holder.rank, memory: holder.memory, members: [{ i, offset: holder.memory.offset }], start: holder.memory.offset, end: holder.memory.offset + ref.byteLength };
      await readGroup(ctx, refs, read, got, errors);
      if (got[i]) break;
    }
  }
  for (const i of remote) {
    if (got[i]) continue;
    const ref = refs[i]!;
    try {
      const { blob } = await readSpill(ctx.table.spillPathOf(ref.home, ref.layerId, ref.rank), ref.home, ref.layerId);
      got[i] = layerOf(ref, blob, 'spill');
    } catch (err) {
      // A checksum failure met earlier says more than a missing spill file.
      if (!(errors[i] instanceof ChecksumMismatchError)) errors[i] = err as GraftError;
    }
  }

  const bytesBySource: Record<LayerSource, number> = { local: 0, peer: 0, spill: 0 };
  const layers: FetchedLayer[] = [];
  const missing: MissingLayer[] = [];
  refs.forEach((ref, i) => {
    const layer = got[i];
    if (layer) {
      layers.push(layer);
      bytesBySource[layer.source] += ref.byteLength;
      return;
    }
    // Corrupted bytes are worth naming as such; any other failure is "no source had it".
    const last = errors[i];
    const error =
      last instanceof ChecksumMismatchError
        ? last
        : new LayerUnavailableError(`layer ${ref.layerId} of ${ref.home} is in no reachable memory and no spill file`, { cause: last, details: { layerId: ref.layerId, home: ref.home, rank: ref.rank } });
    missing.push({ layerId: ref.layerId, home: ref.home, reason: error.code, error });
  });
  let released = false;
  const bytes = bytesBySource.local + bytesBySource.peer + bytesBySource.spill;
  const top = (Object.keys(bytesBySource) as LayerSource[]).reduce((a, b) => (bytesBySource[b] > bytesBySource[a] ? b : a));
  return {
    layers,
    missing,
    bytes,
    seconds: (performance.now() - started) / 1000,
    bytesBySource,
    source: bytes === 0 ? 'none' : top,
    release: () => {
      if (released) return;
      released = true;
      for (const b of pinned) b.pins--;
    },
  };
}

interface ReadGroup {
  rank: number;
  memory: MemoryLocation;
  /** Indexes into refs and where each blob starts in the region; all within [start, end). */
  members: Array<{ i: number; offset: number }>;
  start: number;
  end: number;
}

/** Larger holes than this between two blobs of one region are not read through. */
const kMaxGap = 64 * 1024;
/**
 * A read stops growing here, so that checking one read's checksums can overlap the next read.
 * Measured on 2 shared cores it rarely does: the reads of one fetch, posted together, landed
 * together (the reader's MPI thread copied every ready reply in one progress pass, and its JS
 * thread found no free core until then). Reading them one after another to force the overlap
 * cost a thread hand-off per read and ran slower there (24 against 15 ms for 32 MiB).
 */
const kMaxRead = 8 * 1024 * 1024;

function groupReads(ctx: FetchContext, refs: readonly LayerRef[], wanted: readonly number[]): ReadGroup[] {
  const groups: ReadGroup[] = [];
  for (const i of wanted) {
    const ref = refs[i]!;
    if (ref.rank === ctx.transport.rank || ctx.index.isSuspected(ref.rank)) continue;
    // The replica may have learnt a newer location since the donor query ran.
    const home = ctx.index.entry(ref.home);
    const info = home?.layers.find((l) => l.layerId === ref.layerId && l.home === ref.home);
    const memory = home ? (info?.memory ?? null) : ref.memory;
    if (!memory) continue;
    const last = groups.at(-1);
    const end = memory.offset + ref.byteLength;
    if (last && last.rank === ref.rank && last.memory.region.id === memory.region.id && memory.offset >= last.end && memory.offset - last.end <= kMaxGap && end - last.start <= kMaxRead) {
      last.members.push({ i, offset: memory.offset });
      last.end = end;
    } else {
      groups.push({ rank: ref.rank, memory, members: [{ i, offset: memory.offset }], start: memory.offset, end });
    }
  }
  return groups;
}

async function readGroup(ctx: FetchContext, refs: readonly LayerRef[], g: ReadGroup, got: Array<FetchedLayer | undefined>, errors: Array<GraftError | undefined>): Promise<void> {
  let span: Uint8Array;
  try {
    span = await withTimeout(ctx.transport.get(g.memory.region, g.start, g.end - g.start), ctx.fetchTimeoutMs, g.rank, ctx);
  } catch (err) {
    log('info', 'store.fetch.peer_failed', { rank: g.rank, err });
    for (const { i } of g.members) errors[i] = err as GraftError;
    return;
  }
  for (const { i, offset } of g.members) {
    const ref = refs[i]!;
    const blob = span.subarray(offset - g.start, offset - g.start + ref.byteLength);
    try {
      got[i] = layerOf(ref, blob, 'peer');
      await ctx.keep(ref, blob);
    } catch (err) {
      errors[i] = err as GraftError;
    }
  }
}

function layerOf(ref: LayerRef, blob: Uint8Array, source: LayerSource): FetchedLayer {
  return { layerId: ref.layerId, home: ref.home, source, tensors: verifiedTensors(blob, ref.tensors, ref.layerId, ref.home) };
}

async function withTimeout(read: Promise<Uint8Array>, ms: number, rank: number, ctx: FetchContext): Promise<Uint8Array> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      ctx.index.suspect(rank);
      reject(new LayerUnavailableError(`rank ${rank} did not answer a read within ${ms} ms`, { details: { rank } }));
    }, ms);
  });
  try {
    return await Promise.race([read, timeout]);
  } finally {
    clearTimeout(timer);
    read.catch(() => undefined);
  }
}
