// store/fetch.ts: gets the bytes of donor layers for a candidate. Per layer it tries a copy on
// this rank (a view of shared memory, no copy), then the owner's memory read one-sided over
// the transport (every layer's read in flight at once, each landing in memory the store gives,
// a replica slot or a reusable block), then a replica on another live rank, then the spill
// file; every tensor's checksum is verified as its layer lands, before it is handed out. Layers that
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
import type { FetchedLayer, FetchResult, LayerSource, MissingLayer } from './types.js';

export interface FetchContext {
  transport: Transport;
  index: GossipIndex;
  table: BlobTable;
  fetchTimeoutMs: number;
  /** Memory for a layer about to be read from a peer (a replica slot or a landing block). */
  land(ref: LayerRef): Promise<Landing>;
}

/** Where one layer read from a peer lands. */
export interface Landing {
  bytes: Uint8Array;
  /** After the read: keeps verified bytes (as a replica, if it is one) or frees the memory. */
  settle(verified: boolean): Promise<void>;
  /** The caller is done with verified bytes. */
  release(): void;
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

  // 2. The owners' memory, every layer's read in flight at once, each checked as it lands;
  // then, for what failed, replicas that other live ranks advertise; 3. spill files for the rest.
  const releases: Array<() => void> = [];
  const read = async (i: number, rank: number, memory: MemoryLocation): Promise<void> => {
    try {
      const { layer, release } = await readLayer(ctx, refs[i]!, rank, memory);
      got[i] = layer;
      releases.push(release);
    } catch (err) {
      errors[i] = err as GraftError;
    }
  };
  await Promise.all(
    remote.map((i) => {
      const owner = ownerMemory(ctx, refs[i]!);
      return owner ? read(i, refs[i]!.rank, owner) : undefined;
    }),
  );
  for (const i of remote) {
    if (got[i]) continue;
    const ref = refs[i]!;
    for (const holder of ctx.index.replicasOf(ref.home, ref.layerId)) {
      await read(i, holder.rank, holder.memory);
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
      for (const release of releases) release();
    },
  };
}

/** Where the owner holds `ref` now, or null when it is this rank, suspected or not in memory. */
function ownerMemory(ctx: FetchContext, ref: LayerRef): MemoryLocation | null {
  if (ref.rank === ctx.transport.rank || ctx.index.isSuspected(ref.rank)) return null;
  // The replica may have learnt a newer location since the donor query ran.
  const home = ctx.index.entry(ref.home);
  if (!home) return ref.memory;
  return home.layers.find((l) => l.layerId === ref.layerId && l.home === ref.home)?.memory ?? null;
}

/** Reads one layer from `rank`'s memory into a landing place and verifies it there. */
async function readLayer(ctx: FetchContext, ref: LayerRef, rank: number, memory: MemoryLocation): Promise<{ layer: FetchedLayer; release: () => void }> {
  const landing = await ctx.land(ref);
  const ranges = ref.tensors.map((t) => ({ offset: t.offset, length: t.byteLength }));
  const read = ctx.transport.getChecked(memory.region, memory.offset, ref.byteLength, ranges, landing.bytes);
  let crcs: number[];
  try {
    crcs = (await withTimeout(read, ctx.fetchTimeoutMs, rank, ctx)).crc32c;
  } catch (err) {
    log('info', 'store.fetch.peer_failed', { rank, layerId: ref.layerId, err });
    // The memory is freed only once the read is over: a late read must not land in memory that
    // holds something else by then.
    read.then(
      () => landing.settle(false),
      () => landing.settle(false),
    );
    throw err;
  }
  let layer: FetchedLayer;
  try {
    layer = layerOf(ref, landing.bytes, 'peer', crcs);
  } catch (err) {
    await landing.settle(false);
    throw err;
  }
  await landing.settle(true);
  return { layer, release: landing.release };
}

function layerOf(ref: LayerRef, blob: Uint8Array, source: LayerSource, crcs?: readonly number[]): FetchedLayer {
  return { layerId: ref.layerId, home: ref.home, source, tensors: verifiedTensors(blob, ref.tensors, ref.layerId, ref.home, crcs) };
}

async function withTimeout<T>(read: Promise<T>, ms: number, rank: number, ctx: FetchContext): Promise<T> {
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
