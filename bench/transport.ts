// bench/transport.ts: `npm run bench:transport [-- --quick]`. Measures graft's MPI transport
// between 2 ranks (bench/transport-rank.ts) beside a C program making the same measurements
// directly against MPI (bench/c/transport-ref.c, built here with mpicc into build/bench/):
// 8-byte latency, send bandwidth 4 KiB … 64 MiB, one-sided get bandwidth, and the CPU an idle
// rank burns. Prints a table, then one `RESULT key=value …` line. Never part of the tests.
// graft's send bandwidth is measured both ways it can receive: into receives posted in advance
// (sendInto → receiveInto, as the C program receives: the bw_* ratios) and by subscription,
// each message in memory of its own (the bw_subscribe_* ratios).

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const quick = process.argv.includes('--quick');
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const root = here('../../');
const env = { ...process.env, OMPI_ALLOW_RUN_AS_ROOT: '1', OMPI_ALLOW_RUN_AS_ROOT_CONFIRM: '1' };

interface Figures {
  latency: number;
  send: Map<number, number>;
  subscribe: Map<number, number>;
  get: Map<number, number>;
  idle?: number;
}

function buildReference(): string {
  const out = here('./transport-ref');
  mkdirSync(here('./'), { recursive: true });
  execFileSync('mpicc', ['-O2', '-o', out, `${root}bench/c/transport-ref.c`], { stdio: 'inherit' });
  return out;
}

/**
 * Runs one side on 2 ranks and parses its figures. Both sides run unbound (`--bind-to none`):
 * Open MPI otherwise pins each of 2 ranks to one core, where a graft rank's MPI thread, event
 * loop and copying threads would all share it; the single-threaded C program loses nothing.
 */
function run(program: string[]): Figures {
  const r = spawnSync('mpirun', ['-n', '2', '--oversubscribe', '--bind-to', 'none', ...program, ...(quick ? ['quick'] : [])], {
    env,
    encoding: 'utf8',
    timeout: 300_000,
    killSignal: 'SIGKILL',
  });
  if (r.status !== 0) throw new Error(`${program.join(' ')} failed (${r.status ?? r.signal}):\n${r.stderr}`);
  const figures: Figures = { latency: NaN, send: new Map(), subscribe: new Map(), get: new Map() };
  for (const line of r.stdout.split('\n')) {
    const [key, a, b] = line.trim().split(/\s+/);
    if (key === 'latency_us') figures.latency = Number(a);
    else if (key === 'send') figures.send.set(Number(a), Number(b));
    else if (key === 'subscribe') figures.subscribe.set(Number(a), Number(b));
    else if (key === 'get') figures.get.set(Number(a), Number(b));
    else if (key === 'idle_cpu_pct') figures.idle = Number(a);
  }
  return figures;
}

type Kind = 'send' | 'subscribe' | 'get';

/** Best of several runs, alternating the two sides so both see the same machine. */
function best(runs: Figures[]): Figures {
  const pick = (key: Kind, size: number) => Math.max(...runs.map((f) => f[key].get(size) ?? NaN));
  const sizes = [...runs[0]!.send.keys()];
  return {
    latency: Math.min(...runs.map((f) => f.latency)),
    send: new Map(sizes.map((s) => [s, pick('send', s)])),
    subscribe: new Map(sizes.map((s) => [s, pick('subscribe', s)])),
    get: new Map(sizes.map((s) => [s, pick('get', s)])),
    idle: runs.some((f) => f.idle !== undefined) ? Math.min(...runs.map((f) => f.idle ?? Infinity)) : undefined,
  };
}

const sizeName = (bytes: number) => (bytes >= 1 << 20 ? `${bytes / (1 << 20)} MiB` : `${bytes / 1024} KiB`);

const reference = buildReference();
const passes = quick ? 1 : 3;
const graftRuns: Figures[] = [];
const cRuns: Figures[] = [];
for (let pass = 0; pass < passes; pass++) {
  cRuns.push(run([reference]));
  graftRuns.push(run([process.execPath, here('./transport-rank.js')]));
}
const g = best(graftRuns);
const c = best(cRuns);

const rows: string[][] = [['measurement', 'graft', 'C (MPI)', 'graft/C']];
rows.push(['latency, 8 B half round trip (µs)', g.latency.toFixed(2), c.latency.toFixed(2), `+${(g.latency - c.latency).toFixed(2)} µs`]);
const kindName: Record<Kind, string> = { send: 'send, posted receive', subscribe: 'send, subscriber', get: 'get' };
for (const kind of ['send', 'subscribe', 'get'] as const) {
  for (const [size, gv] of g[kind]) {
    // The C program has one way to receive: into receives posted in advance.
    const cv = c[kind === 'subscribe' ? 'send' : kind].get(size)!;
    rows.push([`${kindName[kind]} ${sizeName(size)} (GiB/s)`, gv.toFixed(2), cv.toFixed(2), (gv / cv).toFixed(2)]);
  }
}
rows.push(['idle rank CPU (% of a core)', (g.idle ?? NaN).toFixed(2), '-', '-']);
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
console.log(`graft transport vs C, 2 ranks, ${quick ? 'quick, 1 pass' : `best of ${passes} passes`}`);
for (const row of rows) console.log(row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '));

const ratio = (kind: Kind, size: number) => (g[kind].get(size)! / c[kind === 'subscribe' ? 'send' : kind].get(size)!).toFixed(3);
console.log(
  [
    'RESULT',
    `latency_us=${g.latency.toFixed(3)}`,
    `c_latency_us=${c.latency.toFixed(3)}`,
    `bw_1MiB_ratio=${ratio('send', 1 << 20)}`,
    `bw_64MiB_ratio=${ratio('send', 64 << 20)}`,
    `bw_subscribe_1MiB_ratio=${ratio('subscribe', 1 << 20)}`,
    `bw_subscribe_64MiB_ratio=${ratio('subscribe', 64 << 20)}`,
    `get_1MiB_ratio=${ratio('get', 1 << 20)}`,
    `get_64MiB_ratio=${ratio('get', 64 << 20)}`,
    `idle_cpu_pct=${(g.idle ?? NaN).toFixed(2)}`,
  ].join(' '),
);
