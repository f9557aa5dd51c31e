// bench/actors.ts: the actor runtime's speed: same-rank call round trips awaited one by one,
// pipelined calls, n:n (actors calling actors), a cross-rank round trip, and actor spawn time,
// printed beside Ray's published single-node figures. `--quick` keeps it under a minute.
// Run as `npm run bench:actors [-- --quick]`; the cross-rank figure comes from `mpirun -n 2`
// when MPI and the addon are present (this file is then also the script every rank runs).

import { fileURLToPath } from 'node:url';
import { createLoopbackCluster, LocalTransport } from 'graft/transport';
import { init, type Remote, type Runtime } from 'graft/runtime';
import type { Caller, Counter } from '../test/fixtures/runtime/actors.js';
import { hasMpiAddon, hasMpirun, mpirun } from '../test/helpers/mpirun.js';

const actorsUrl = new URL('../test/fixtures/runtime/actors.js', import.meta.url);
const quick = process.argv.includes('--quick');
const kDurationMs = quick ? 1500 : 4000;

// Ray's published single-node microbenchmark figures (ray/release/microbenchmark), the
// reference the figures below are printed beside.
const kRay = { syncCallsPerS: 2012, asyncCallsPerS: 8664, nnCallsPerS: 27376, actorsPerS: 551 };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Calls `round` until `ms` have passed; returns calls per second. */
async function rate(ms: number, round: () => Promise<number>): Promise<number> {
  let calls = 0;
  const start = performance.now();
  while (performance.now() - start < ms) calls += await round();
  return (calls * 1000) / (performance.now() - start);
}

async function syncRoundTrip(counter: Remote<Counter>, ms: number): Promise<number> {
  for (let i = 0; i < 2000; i++) await counter.noop();
  return rate(ms, async () => {
    for (let i = 0; i < 500; i++) await counter.noop();
    return 500;
  });
}

async function measureLocal(): Promise<Record<string, number>> {
  const runtime = await init({ transport: new LocalTransport() });
  try {
    const counter = await runtime.spawn<Counter>(actorsUrl, 'Counter');
    const syncPerS = await syncRoundTrip(counter, kDurationMs);
    const pipelinedPerS = await rate(kDurationMs, async () => {
      await Promise.all(Array.from({ length: 10_000 }, () => counter.noop()));
      return 10_000;
    });
    const nnPerS = await measureNn(runtime);
    const spawn = await measureSpawn(runtime);
    return { syncPerS, pipelinedPerS, nnPerS, ...spawn };
  } finally {
    await runtime.shutdown();
  }
}

/** n callers (actors) each pipelining calls at n target actors; n = 2 on this 2-core machine. */
async function measureNn(runtime: Runtime): Promise<number> {
  const n = 2;
  const targets = await Promise.all(Array.from({ length: n }, () => runtime.spawn<Counter>(actorsUrl, 'Counter')));
  const callers = await Promise.all(Array.from({ length: n }, () => runtime.spawn<Caller>(actorsUrl, 'Caller')));
  const perTarget = quick ? 20_000 : 60_000;
  await Promise.all(callers.map((caller) => caller.hammer(targets, 1000, 500)));
  const start = performance.now();
  const done = await Promise.all(callers.map((caller) => caller.hammer(targets, perTarget, 1000)));
  const perS = (done.reduce((a, b) => a + b, 0) * 1000) / (performance.now() - start);
  for (const actor of [...targets, ...callers]) await runtime.kill(actor);
  return perS;
}

async function measureSpawn(runtime: Runtime): Promise<Record<string, number>> {
  const count = quick ? 6 : 12;
  const spawned: Array<Remote<Counter>> = [];
  const timed = async () => {
    const start = performance.now();
    spawned.push(await runtime.spawn<Counter>(actorsUrl, 'Counter'));
    return performance.now() - start;
  };
  const backToBack: number[] = [];
  for (let i = 0; i < count; i++) backToBack.push(await timed());
  const spareReady: number[] = [];
  for (let i = 0; i < count; i++) {
    await sleep(250); // time for the rank to start its next spare thread
    spareReady.push(await timed());
  }
  const many = quick ? 16 : 32;
  const start = performance.now();
  spawned.push(...(await Promise.all(Array.from({ length: many }, () => runtime.spawn<Counter>(actorsUrl, 'Counter')))));
  const actorsPerS = (many * 1000) / (performance.now() - start);
  for (const actor of spawned) await runtime.kill(actor);
  return { spawnMs: median(backToBack), spawnSpareMs: median(spareReady), actorsPerS };
}

/** Two ranks in this process over the loopback transport: routing cost, not a network. */
async function measureLoopbackRtt(): Promise<number> {
  const [t0, t1] = createLoopbackCluster(2);
  const [driver, other] = await Promise.all([init({ transport: t0! }), init({ transport: t1! })]);
  const served = other!.serve();
  try {
    const counter = await driver!.spawn<Counter>(actorsUrl, 'Counter', [], { rank: 1 });
    return 1e6 / (await syncRoundTrip(counter, kDurationMs));
  } finally {
    await driver!.shutdown();
    await served;
  }
}

/** mpirun -n 2 of this file: rank 0 calls an actor on rank 1 over MPI. */
async function measureMpiRtt(): Promise<number | undefined> {
  if (!hasMpirun() || !hasMpiAddon()) return undefined;
  const result = await mpirun(2, fileURLToPath(import.meta.url), { args: ['--xrank-child', ...(quick ? ['--quick'] : [])], timeoutMs: 60_000 });
  const match = /XRANK rtt_us=([\d.]+)/.exec(result.stdout);
  if (!match) {
    console.error(`cross-rank run failed (code ${result.code}): ${result.stderr.slice(-500)}`);
    return undefined;
  }
  return Number(match[1]);
}

async function xrankChild(): Promise<void> {
  const runtime = await init();
  if (!runtime.isDriver) return runtime.serve();
  const counter = await runtime.spawn<Counter>(actorsUrl, 'Counter', [], { rank: 1 });
  const perS = await syncRoundTrip(counter, kDurationMs);
  console.log(`XRANK rtt_us=${(1e6 / perS).toFixed(1)}`);
  await runtime.shutdown();
}

function row(name: string, value: number, unit: string, reference?: number, higherIsBetter = true): string {
  const ref = reference === undefined ? '—' : reference.toLocaleString('en-US');
  const ratio = reference === undefined ? '' : `${(higherIsBetter ? value / reference : reference / value).toFixed(1)}x`;
  return `| ${name.padEnd(48)} | ${value.toLocaleString('en-US', { maximumFractionDigits: 1 }).padStart(10)} ${unit.padEnd(8)} | ${ref.padStart(8)} | ${ratio.padStart(6)} |`;
}

async function main(): Promise<void> {
  const began = performance.now();
  const local = await measureLocal();
  const loopbackRtt = await measureLoopbackRtt();
  const mpiRtt = await measureMpiRtt();
  console.log(`graft actors benchmark${quick ? ' (quick)' : ''}: Node ${process.version}, ${new Date().toISOString()}`);
  console.log(`| ${'measure'.padEnd(48)} | ${'graft'.padStart(19)} | ${'Ray ref'.padStart(8)} | ${'ratio'.padStart(6)} |`);
  console.log(`|${'-'.repeat(50)}|${'-'.repeat(21)}|${'-'.repeat(10)}|${'-'.repeat(8)}|`);
  console.log(row('1:1 calls awaited one by one (same rank)', local.syncPerS!, 'calls/s', kRay.syncCallsPerS));
  console.log(row('1:1 round trip (same rank)', 1e6 / local.syncPerS!, 'µs'));
  console.log(row('1:1 pipelined calls (same rank)', local.pipelinedPerS!, 'calls/s', kRay.asyncCallsPerS));
  console.log(row('n:n calls, 2 caller actors x 2 actors', local.nnPerS!, 'calls/s', kRay.nnCallsPerS));
  if (mpiRtt !== undefined) console.log(row('cross-rank round trip (mpirun -n 2, same node)', mpiRtt, 'µs'));
  console.log(row('cross-rank round trip (loopback, one process)', loopbackRtt, 'µs'));
  console.log(row('spawn, back to back (thread start + module)', local.spawnMs!, 'ms'));
  console.log(row('spawn, spare thread ready (module only)', local.spawnSpareMs!, 'ms'));
  console.log(row('actors started in parallel', local.actorsPerS!, 'actors/s', kRay.actorsPerS));
  const xrank = mpiRtt ?? loopbackRtt;
  console.log(`took ${((performance.now() - began) / 1000).toFixed(0)} s`);
  console.log(`xrank_rtt_us is ${mpiRtt !== undefined ? 'measured under mpirun -n 2 (shared memory, one node)' : 'the in-process loopback figure (MPI not available here)'}`);
  console.log(
    `RESULT sync_calls_per_s=${Math.round(local.syncPerS!)} pipelined_calls_per_s=${Math.round(local.pipelinedPerS!)} nn_calls_per_s=${Math.round(local.nnPerS!)} xrank_rtt_us=${xrank.toFixed(1)} spawn_ms=${local.spawnMs!.toFixed(1)}`,
  );
}

if (process.argv.includes('--xrank-child')) await xrankChild();
else await main();
