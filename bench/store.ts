// bench/store.ts: the layer store's three figures. (1) Fetching a donor prefix, 8 of 16 layers
// of a 64 MiB model, from a peer rank's memory (store.fetch: one-sided get plus a CRC-32C check of
// every tensor), beside the same bytes read from a per-model checkpoint file (the papers'
// parallel-file-system baseline) cold and warm, and beside a raw one-sided get of the same
// bytes. (2) Donor query latency at 1k, 10k and 100k models, beside a brute-force scan.
// (3) Gossip rounds and bytes until convergence at 16 … 4,096 simulated ranks.
// Cold file reads drop the file's pages first with posix_fadvise(POSIX_FADV_DONTNEED) (called
// through python3's os.posix_fadvise, Node has no binding). Run it alone:
//
//   flock /tmp/graft-bench.lock npm run bench:store [-- --quick]

import { spawnSync } from 'node:child_process';
import { closeSync, fsyncSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { checksumOf, GossipIndex, LayerStore, simulateGossip, type LayerRecord, type ModelEntry } from 'graft/store';
import { createLoopbackCluster, openTransport, type Transport } from 'graft/transport';
import { hasMpiAddon, hasMpirun, mpirun } from '../test/helpers/mpirun.js';
import { seededRandom } from 'graft/util';
import { layerIdsOf, mutate, population } from '../test/store/arch-gen.js';

const { values: args } = parseArgs({ options: { quick: { type: 'boolean', default: false }, 'fetch-rank': { type: 'string' } } });
const quick = args.quick;
const MB = 1e6;

const kLayers = 16;
const kPrefix = 8;
const kLayerBytes = 4 * 1024 * 1024;
/** Untimed reads first: on this VM the first few reads of fresh memory ran up to 3x slower. */
const kWarmup = 5;

interface FetchFigures {
  transport: string;
  prefixBytes: number;
  peerMBps: number;
  rawGetMBps: number;
  fileColdMBps: number;
  fileColdVerifiedMBps: number;
  fileWarmMBps: number;
  coldMethod: string;
}

// ---------------------------------------------------------------- (1) fetch

function modelLayers(): LayerRecord[] {
  return Array.from({ length: kLayers }, (_, i) => {
    const bytes = new Uint8Array(kLayerBytes);
    const words = new Uint32Array(bytes.buffer);
    for (let k = 0; k < words.length; k++) words[k] = Math.imul(k + 1, 2654435761 + i);
    return { layerId: `layer${i}`, tensors: [{ name: 'kernel', shape: [kLayerBytes / 4], dtype: 'float32', bytes, checksum: checksumOf(bytes) }] };
  });
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** What one rank of the fetch scenario does; rank 0 owns the model, rank 1 reads it. */
async function fetchScenario(transport: Transport, dir: string, reps: number): Promise<FetchFigures | undefined> {
  // Gossip at its default period, as in a search: rounds on the main thread compete with fetches.
  const index = new GossipIndex(transport);
  const store = new LayerStore(transport, index, { spillDir: join(dir, 'spill'), keepReplicas: false });
  index.start();
  let figures: FetchFigures | undefined;
  if (transport.rank === 0) await store.put({ modelId: 'donor', score: 1, layers: modelLayers() });
  if (transport.rank === 1) {
    while (!index.entry('donor')) await new Promise((r) => setTimeout(r, 5));
    const match = index.donor(Array.from({ length: kPrefix }, (_, i) => `layer${i}`).concat('other'))!;
    const prefixBytes = match.layers.reduce((s, l) => s + l.byteLength, 0);

    const peer: number[] = [];
    for (let i = 0; i < kWarmup + reps; i++) {
      const r = await store.fetch(match.layers);
      if (r.source !== 'peer' || r.missing.length) throw new Error(`expected a peer fetch, got ${r.source}`);
      if (i >= kWarmup) peer.push(r.bytes / r.seconds / MB);
      // As a candidate does once its weights are loaded: the memory goes back for the next fetch.
      r.release();
    }
    const first = match.layers[0]!.memory!;
    const last = match.layers.at(-1)!.memory!;
    const span = last.offset + match.layers.at(-1)!.byteLength - first.offset;
    const raw: number[] = [];
    // Into one buffer, mapped by the first (untimed) read, as the fetches land in reused memory.
    const into = new Uint8Array(span);
    for (let i = 0; i < kWarmup + reps; i++) {
      const t = performance.now();
      await transport.get(first.region, first.offset, span, into);
      if (i >= kWarmup) raw.push(prefixBytes / ((performance.now() - t) / 1000) / MB);
    }
    const file = writeCheckpoint(join(dir, 'donor.ckpt'), modelLayers());
    const cold: number[] = [];
    const coldVerified: number[] = [];
    const warm: number[] = [];
    let coldMethod = 'posix_fadvise(DONTNEED)';
    for (let i = 0; i < reps; i++) {
      if (!dropPages(file)) coldMethod = 'unavailable (pages not dropped)';
      cold.push(readPrefix(file, false));
      if (!dropPages(file)) coldMethod = 'unavailable (pages not dropped)';
      coldVerified.push(readPrefix(file, true));
      warm.push(readPrefix(file, false));
    }
    figures = {
      transport: transport.info.kind,
      prefixBytes,
      peerMBps: median(peer),
      rawGetMBps: median(raw),
      fileColdMBps: median(cold),
      fileColdVerifiedMBps: median(coldVerified),
      fileWarmMBps: median(warm),
      coldMethod,
    };
  }
  await transport.barrier();
  index.close();
  await transport.barrier();
  await store.close();
  return figures;
}

/** A per-model checkpoint: a header of (offset, length) per layer, then the layers' bytes. */
function writeCheckpoint(path: string, layers: LayerRecord[]): string {
  const header = new Float64Array(1 + 2 * layers.length);
  header[0] = layers.length;
  let offset = 4096;
  layers.forEach((l, i) => {
    header[1 + 2 * i] = offset;
    header[2 + 2 * i] = l.tensors[0]!.bytes.byteLength;
    offset += l.tensors[0]!.bytes.byteLength;
  });
  const fd = openSync(path, 'w');
  writeSync(fd, new Uint8Array(header.buffer), 0, header.byteLength, 0);
  for (let i = 0; i < layers.length; i++) writeSync(fd, layers[i]!.tensors[0]!.bytes, 0, kLayerBytes, header[1 + 2 * i]!);
  fsyncSync(fd);
  closeSync(fd);
  return path;
}

/** Opens the checkpoint, reads its header and the first kPrefix layers; MB/s of layer bytes. */
function readPrefix(path: string, verify: boolean): number {
  const t = performance.now();
  const fd = openSync(path, 'r');
  const header = new Float64Array(1 + 2 * kLayers);
  readSync(fd, new Uint8Array(header.buffer), 0, header.byteLength, 0);
  let bytes = 0;
  for (let i = 0; i < kPrefix; i++) {
    const buf = new Uint8Array(header[2 + 2 * i]!);
    readSync(fd, buf, 0, buf.byteLength, header[1 + 2 * i]!);
    if (verify) checksumOf(buf);
    bytes += buf.byteLength;
  }
  closeSync(fd);
  return bytes / ((performance.now() - t) / 1000) / MB;
}

function dropPages(path: string): boolean {
  const py = 'import os,sys\nfd=os.open(sys.argv[1],os.O_RDONLY)\nos.posix_fadvise(fd,0,0,os.POSIX_FADV_DONTNEED)\nos.close(fd)';
  return spawnSync('python3', ['-c', py, path], { stdio: 'ignore' }).status === 0;
}

async function runFetch(): Promise<FetchFigures> {
  const reps = quick ? 3 : 9;
  const dir = mkdtempSync(join(tmpdir(), 'graft-bench-store-'));
  try {
    if (hasMpirun() && hasMpiAddon()) {
      const script = fileURLToPath(import.meta.url);
      const run = await mpirun(2, script, { args: ['--fetch-rank', dir, ...(quick ? ['--quick'] : [])], timeoutMs: 300_000 });
      const line = run.stdout.split('\n').find((l) => l.startsWith('FETCH '));
      if (run.code !== 0 || !line) throw new Error(`mpirun fetch scenario failed (code ${run.code}): ${run.stderr.slice(-2000)}`);
      return JSON.parse(line.slice(6)) as FetchFigures;
    }
    // Without MPI the two ranks share this process (loopback transport).
    const ranks = createLoopbackCluster(2);
    const [, figures] = await Promise.all(ranks.map((t) => fetchScenario(t, dir, reps)));
    for (const t of ranks) await t.close();
    return figures!;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- (2) donor query

interface QueryFigures {
  models: number;
  p50us: number;
  p99us: number;
  scanUs: number;
}

function runQueries(models: number, queries: number): QueryFigures {
  const rand = seededRandom(models);
  const space = { nodes: 14, ops: 5 };
  const archs = population(models, space, rand);
  const index = new GossipIndex(createLoopbackCluster(1)[0]!);
  const ids = archs.map(layerIdsOf);
  ids.forEach((layerIds, i) => {
    const entry: ModelEntry = {
      modelId: `m${i}`,
      owner: 0,
      score: rand(),
      createdAt: i,
      status: 'live',
      layers: layerIds.map((layerId) => ({ layerId, home: `m${i}`, rank: 0, byteLength: 4096, tensors: [], memory: { region: { rank: 0, id: 1, length: 1 << 30 }, offset: 0 } })),
    };
    index.publish(entry);
  });
  const candidates = Array.from({ length: queries }, () => layerIdsOf(mutate(archs[Math.floor(rand() * archs.length)]!, space, rand)));
  const times: number[] = [];
  for (const c of candidates) {
    const t = process.hrtime.bigint();
    index.donor(c);
    times.push(Number(process.hrtime.bigint() - t) / 1000);
  }
  times.sort((a, b) => a - b);
  // The baseline: a scan of every model's ids, as a store without an index would do.
  const scan: number[] = [];
  for (const c of candidates.slice(0, 20)) {
    const t = process.hrtime.bigint();
    let best = 0;
    for (const m of ids) {
      let k = 0;
      while (k < c.length && k < m.length && m[k] === c[k]) k++;
      if (k > best) best = k;
    }
    scan.push(Number(process.hrtime.bigint() - t) / 1000);
  }
  index.close();
  return { models, p50us: times[Math.floor(times.length * 0.5)]!, p99us: times[Math.floor(times.length * 0.99)]!, scanUs: median(scan) };
}

// ---------------------------------------------------------------- (3) gossip

function entryValue(rank: number): ModelEntry {
  return {
    modelId: `r${rank}-m0`,
    owner: rank,
    score: 0.5,
    createdAt: 1_700_000_000_000 + rank,
    status: 'live',
    layers: Array.from({ length: 16 }, (_, i) => ({
      layerId: `${(rank * 7919 + i).toString(16).padStart(16, '0')}`,
      home: `r${rank}-m0`,
      rank,
      byteLength: 65536,
      tensors: [{ name: 'kernel', shape: [128, 128], dtype: 'float32' as const, offset: 0, byteLength: 65536, checksum: 123456789 }],
      memory: { region: { rank, id: 1, length: 64 << 20 }, offset: i * 65536 },
    })),
  };
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  if (args['fetch-rank']) {
    const transport = await openTransport();
    const figures = await fetchScenario(transport, args['fetch-rank'], quick ? 3 : 9);
    if (figures) console.log('FETCH ' + JSON.stringify(figures));
    await transport.close();
    return;
  }
  console.log(`store benchmark${quick ? ' (quick)' : ''}: ${new Date().toISOString()}`);

  const f = await runFetch();
  const prefix = `${kPrefix} of ${kLayers} layers, ${(f.prefixBytes / 2 ** 20).toFixed(0)} MiB`;
  console.log(`\n(1) donor prefix fetch, ${prefix}, transport ${f.transport}; MB/s (1 MB = 10^6 bytes)`);
  console.log(`  peer memory, store.fetch (get + CRC-32C of every tensor)  ${f.peerMBps.toFixed(0).padStart(7)}`);
  console.log(`  raw one-sided get of the same bytes                     ${f.rawGetMBps.toFixed(0).padStart(7)}`);
  console.log(`  checkpoint file, cold (${f.coldMethod})   ${f.fileColdMBps.toFixed(0).padStart(7)}`);
  console.log(`  checkpoint file, cold, with CRC-32C check                 ${f.fileColdVerifiedMBps.toFixed(0).padStart(7)}`);
  console.log(`  checkpoint file, warm (page cache)                      ${f.fileWarmMBps.toFixed(0).padStart(7)}`);
  console.log(`  peer / file cold ${(f.peerMBps / f.fileColdMBps).toFixed(2)}x   peer / raw get ${(f.peerMBps / f.rawGetMBps).toFixed(2)}`);

  console.log('\n(2) donor query latency (GossipIndex#donor, trie), µs');
  const queries: QueryFigures[] = [];
  for (const n of [1000, 10_000, 100_000]) {
    const q = runQueries(n, quick ? 2000 : 10_000);
    queries.push(q);
    console.log(`  ${String(n).padStart(7)} models   p50 ${q.p50us.toFixed(1).padStart(6)}   p99 ${q.p99us.toFixed(1).padStart(6)}   brute-force scan ${q.scanUs.toFixed(0).padStart(7)}`);
  }

  console.log('\n(3) gossip until every rank holds every new entry (fanout 2, push-pull; min(N, 256) ranks write one 16-layer entry each)');
  const gossip: Array<{ n: number; rounds: number }> = [];
  // --quick skips two sizes: 4,096 simulated ranks alone take about 25 s here.
  for (const n of quick ? [16, 256, 4096] : [16, 64, 256, 1024, 4096]) {
    const t = performance.now();
    const g = simulateGossip({ ranks: n, fanout: 2, writers: Math.min(n, 256), makeValue: entryValue, seed: 17 });
    gossip.push({ n, rounds: g.rounds });
    const bound = 2 * Math.log2(n) + 2;
    console.log(`  ${String(n).padStart(5)} ranks   rounds ${String(g.rounds).padStart(3)} (bound ${bound})   bytes ${(g.bytes / MB).toFixed(1).padStart(9)} MB   per rank ${(g.bytes / n / 1024).toFixed(0).padStart(6)} KiB   messages ${g.messages}   (${((performance.now() - t) / 1000).toFixed(1)} s)`);
  }

  const q100k = queries.find((q) => q.models === 100_000)!;
  console.log(
    `RESULT fetch_peer_MBps=${f.peerMBps.toFixed(0)} fetch_file_cold_MBps=${f.fileColdMBps.toFixed(0)} peer_vs_file_cold=${(f.peerMBps / f.fileColdMBps).toFixed(2)} ` +
      `peer_vs_raw_get=${(f.peerMBps / f.rawGetMBps).toFixed(2)} query_p99_us_100k=${q100k.p99us.toFixed(1)} gossip_rounds_4096=${gossip.find((g) => g.n === 4096)!.rounds}`,
  );
}

await main();
