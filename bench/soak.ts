// bench/soak.ts: the chaos soak, Ray's "kill at random until done" test for graft. A search of
// at least 200 candidates runs under `mpirun -n 8 --oversubscribe` with a 1 MiB layer store per
// rank (so spill and retention run all the time), and faults come at seeded random times until
// the search is complete: SIGKILL of a random rank (mpirun ends the job; the soak resumes it
// with --resume), SIGUSR2 to a random rank (the runtime restarts its actor threads: the death
// of an actor through the runtime's own kill), and a spill file corrupted in place. Then it
// checks, from the run's files: every candidate exactly once and ok in results.csv and the
// journal; no layer loaded from a corrupted spill file; every store-stats sample within its
// rank's budget; the spill directory within what retention allows at every sample; no graft
// process left after any job. It ends with one line:
//
//   RESULT soak_kills=… soak_resumes=… candidates=… lost=0 dup=0 bad_loads=0 peak_store_ratio=… orphans=0
//
// and exits non-zero when a check fails. `npm run soak [-- --quick] [-- --seed N]`; Linux only
// (it finds ranks in /proc). Run it alone: it keeps both cores busy for 10-15 minutes.

import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { seededRandom } from 'graft/util';
import { mpiEnv } from '../test/helpers/mpirun.js';
import { checkEachOnce, checkLoads, checkStoreBudgets } from './soak-checks.js';
import { corruptSpillFile, FaultSchedule, filesOf, readSpillHeader, recentSpillLoads, signal, spillFiles, type Corruption, type FaultKind } from './soak-faults.js';
import { kSoakTokenVar, leftBehind, rankProcesses } from './soak-processes.js';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    seed: { type: 'string', default: '1' },
    out: { type: 'string' },
  },
});
const quick = args.quick;
const seed = Number(args.seed);
const kSettings = quick
  ? { ranks: 4, candidates: 80, population: 6, sample: 2, trainSize: 1500, valSize: 250, gapMs: [3_000, 8_000] as [number, number], minFaults: 3 }
  : { ranks: 8, candidates: 300, population: 8, sample: 3, trainSize: 3000, valSize: 500, gapMs: [5_000, 14_000] as [number, number], minFaults: 20 };
const kStoreMb = 1;
/**
 * Models whose layers may sit in spill files at once, summed over ranks. Retention keeps the
 * last P results and the 5 best; a model left out goes at the second call in a row (P results
 * later), and calls come every P results, so up to 3P + 5 models of this job are stored; a
 * resumed job's rank 0 also holds up to 2P reseeded checkpoints until retention drops them;
 * and each rank may be storing one candidate that is not yet recorded.
 */
const kSpillModelBound = 5 * kSettings.population + 5 + kSettings.ranks;
const kOrphanGraceMs = 15_000;
/** mpirun should end the job soon after a rank dies; past this it is stuck. */
const kJobEndAfterKillMs = 90_000;
const kMostJobs = 80;
const kCorruptAmongNewest = 8;

const main = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
const base = args.out ?? mkdtempSync(join(tmpdir(), 'graft-soak-'));
const out = join(base, 'run');
const spillDir = join(out, 'spill');
const logFile = join(base, 'log.jsonl');
const token = `${process.pid}-${Date.now()}`;
mkdirSync(base, { recursive: true });

const schedule = new FaultSchedule(seededRandom(seed), kSettings.gapMs);
const started = Date.now();
const elapsed = (): string => `${((Date.now() - started) / 1000).toFixed(0)} s`;
const faults: Record<FaultKind, number> = { kill: 0, actor: 0, corrupt: 0 };
const corruptions: Corruption[] = [];
const jobEnds: number[] = [];
let resumes = 0;
let orphans = 0;
let unexpectedExits = 0;
let stuckJobs = 0;
const spill = { peakModels: 0, peakFiles: 0, peakBytes: 0, over: 0, samples: 0 };

/** Results and start records in the journal so far (a cheap count; the checks parse it properly). */
function journalCounts(): { results: number; starts: number } {
  const file = join(out, 'journal.jsonl');
  if (!existsSync(file)) return { results: 0, starts: 0 };
  const text = readFileSync(file, 'utf8');
  return { results: text.split('"kind":"evaluation"').length - 1 + text.split('"kind":"failure"').length - 1, starts: text.split('"kind":"start"').length - 1 };
}

/** The spill directory now: files, bytes and the models (homes) they hold, against the bound. */
function sampleSpill(): void {
  const files = spillFiles(spillDir);
  const homes = new Set<string>();
  let bytes = 0;
  for (const f of files) {
    try {
      const data = readFileSync(f.path);
      bytes += data.byteLength;
      homes.add(readSpillHeader(data).header.home);
    } catch {
      // Freed while it was read.
    }
  }
  spill.samples++;
  spill.peakFiles = Math.max(spill.peakFiles, files.length);
  spill.peakBytes = Math.max(spill.peakBytes, bytes);
  spill.peakModels = Math.max(spill.peakModels, homes.size);
  if (homes.size > kSpillModelBound) {
    spill.over++;
    console.log(`  ${elapsed()}: the spill directory holds layers of ${homes.size} models, more than retention allows (${kSpillModelBound})`);
  }
}

function inject(kind: FaultKind, job: number): boolean {
  const ranks = rankProcesses(token);
  if (ranks.size === 0) return false;
  const rank = [...ranks.keys()].sort((a, b) => a - b)[schedule.pick(ranks.size)]!;
  const pid = ranks.get(rank)!;
  const n = faults.kill + faults.actor + faults.corrupt + 1;
  if (kind === 'kill') {
    if (!signal(pid, 'SIGKILL')) return false;
    console.log(`  ${elapsed()}: fault ${n}: SIGKILL to rank ${rank} (pid ${pid})`);
  } else if (kind === 'actor') {
    if (!signal(pid, 'SIGUSR2')) return false;
    console.log(`  ${elapsed()}: fault ${n}: SIGUSR2 to rank ${rank} (pid ${pid}): its actor threads restart`);
  } else {
    // A layer candidates lately loaded from its spill file, so a reader meets the damage soon;
    // else one of the newest files (layers of the latest models).
    const all = spillFiles(spillDir);
    const hot = filesOf(all, recentSpillLoads(logFile));
    const files = hot.length > 0 ? hot : all.slice(0, kCorruptAmongNewest);
    let done: Corruption | null = null;
    for (let tries = 0; tries < 3 && !done && files.length > 0; tries++) done = corruptSpillFile(files[schedule.pick(files.length)]!, (k) => schedule.pick(k), job);
    if (!done) return false;
    corruptions.push(done);
    console.log(`  ${elapsed()}: fault ${n}: corrupted tensor '${done.tensor}' of layer ${done.layerId.slice(0, 12)} of model ${done.home} in rank ${done.rank}'s spill file`);
  }
  faults[kind]++;
  return true;
}

/** One mpirun job; faults come until it ends. Resolves with its exit code and whether the soak killed a rank. */
async function runJob(job: number): Promise<{ code: number | null; killed: boolean }> {
  const search = job === 0
    ? ['search', '--space', 'mnist-mlp', '--data', 'mnist', '--train-size', String(kSettings.trainSize), '--val-size', String(kSettings.valSize),
       '--batch-size', '64', '--epochs', '1', '--max-evals', String(kSettings.candidates), '--population', String(kSettings.population),
       '--sample', String(kSettings.sample), '--actors-per-rank', '1', '--store-mb', String(kStoreMb), '--seed', String(seed), '--no-progress', '--out', out]
    : ['search', '--resume', out, '--no-progress'];
  const child = spawn('mpirun', ['-n', String(kSettings.ranks), '--oversubscribe', '--bind-to', 'none', process.execPath, main, ...search], {
    env: { ...process.env, ...mpiEnv, GRAFT_LOG: logFile, [kSoakTokenVar]: token },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const output = createWriteStream(join(base, `job-${job}.log`));
  child.stdout.pipe(output, { end: false });
  child.stderr.pipe(output, { end: false });
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const startsBefore = journalCounts().starts;
  let nextFault = Infinity;
  let killedAt: number | null = null;
  let code: number | null | undefined;
  void exited.then((c) => (code = c));
  let lastProgress = 0;
  while (code === undefined) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    sampleSpill();
    const counts = journalCounts();
    // Faults start once this job's actors are ready (its start record is written).
    if (nextFault === Infinity && counts.starts > startsBefore) nextFault = Date.now() + schedule.nextGap();
    if (killedAt === null && Date.now() >= nextFault && code === undefined) {
      let kind = schedule.kind();
      let done = inject(kind, job);
      // No spill file to corrupt yet: restart actors instead.
      if (!done && kind === 'corrupt') done = inject((kind = 'actor'), job);
      if (done && kind === 'kill') killedAt = Date.now();
      nextFault = Date.now() + schedule.nextGap();
    }
    if (killedAt !== null && Date.now() - killedAt > kJobEndAfterKillMs) {
      console.log(`  ${elapsed()}: mpirun did not end the job ${kJobEndAfterKillMs / 1000} s after a rank was killed: killing it`);
      stuckJobs++;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // Gone meanwhile.
      }
      killedAt = Infinity;
    }
    if (Date.now() - lastProgress >= 10_000) {
      lastProgress = Date.now();
      const total = faults.kill + faults.actor + faults.corrupt;
      console.log(
        `soak ${elapsed()}: job ${job}, ${counts.results}/${kSettings.candidates} evaluated; faults ${total} (kill ${faults.kill}, actor ${faults.actor}, corrupt ${faults.corrupt}); ` +
          `spill ${spill.peakFiles} files at most, ${spill.peakModels}/${kSpillModelBound} models`,
      );
    }
  }
  output.end();
  return { code: code ?? null, killed: killedAt !== null };
}

console.log(`soak: ${kSettings.ranks} ranks, ${kSettings.candidates} candidates, --store-mb ${kStoreMb}, seed ${seed}, in ${base}`);
for (let job = 0; ; job++) {
  if (job >= kMostJobs) throw new Error(`the search was not complete after ${kMostJobs} jobs`);
  if (job > 0) resumes++;
  const { code, killed } = await runJob(job);
  jobEnds[job] = Date.now();
  const left = await leftBehind(token, kOrphanGraceMs);
  if (left.length > 0) {
    orphans += left.length;
    console.log(`  ${elapsed()}: ${left.length} process(es) left after job ${job}: ${left.map((p) => `${p.pid} ${p.command.slice(0, 80)}`).join('; ')}`);
  }
  const complete = journalCounts().results >= kSettings.candidates;
  if (code === 0 && complete) break;
  if (!killed) {
    unexpectedExits++;
    const tail = readFileSync(join(base, `job-${job}.log`), 'utf8').trim().split('\n').slice(-8).join('\n    ');
    console.log(`  ${elapsed()}: job ${job} ended with code ${code} without a fault that ends jobs:\n    ${tail}`);
    if (unexpectedExits > 3) break;
  }
}

const once = checkEachOnce(out, kSettings.candidates);
const loads = checkLoads(logFile, corruptions, jobEnds);
const stores = checkStoreBudgets(out, kSettings.ranks);
const totalFaults = faults.kill + faults.actor + faults.corrupt;
const spillMb = (spill.peakBytes / 1e6).toFixed(1);
console.log(`faults: ${totalFaults} (SIGKILL of a rank ${faults.kill}, actor restarts ${faults.actor}, corrupted spill files ${faults.corrupt}) over ${elapsed()}, ${resumes} resumes`);
console.log(`loads: ${loads.fetches} fetches logged; corrupted layers refused by their checksum ${loads.rejected}, other checksum refusals ${loads.otherRejected}; bad loads ${loads.badLoads.length}`);
console.log(`stores: ${stores.samples} samples from ${stores.ranksSampled}/${kSettings.ranks} ranks, peak ${stores.peakRatio.toFixed(3)} of the budget, ${stores.over} over it`);
console.log(`spill: ${spill.samples} samples, at most ${spill.peakFiles} files (${spillMb} MB) of ${spill.peakModels} models (retention allows ${kSpillModelBound}), ${spill.over} over`);
if (once.lost.length > 0) console.log(`lost: ${once.lost.join(', ')}`);
if (once.dup.length > 0) console.log(`dup: ${once.dup.join(', ')}`);
for (const b of loads.badLoads) console.log(`bad load: candidate ${b.id} got layer ${b.layerId} of model ${b.home} from a corrupted spill file`);

const failures = [
  once.lost.length > 0 && 'candidates lost',
  once.dup.length > 0 && 'candidates recorded twice',
  loads.badLoads.length > 0 && 'layers loaded from corrupted spill files',
  stores.over > 0 && 'a store over its budget',
  stores.ranksSampled < kSettings.ranks && 'ranks without store samples',
  spill.over > 0 && 'the spill directory past what retention allows',
  orphans > 0 && 'graft processes left after a job',
  unexpectedExits > 0 && 'jobs that ended without a fault that ends jobs',
  stuckJobs > 0 && 'jobs mpirun did not end after a rank died',
  totalFaults < kSettings.minFaults && `fewer than ${kSettings.minFaults} faults`,
].filter((f): f is string => typeof f === 'string');
if (failures.length > 0) console.log(`soak FAILED: ${failures.join('; ')} (run directory ${base})`);
console.log(
  `RESULT soak_kills=${faults.kill} soak_resumes=${resumes} candidates=${kSettings.candidates} lost=${once.lost.length} dup=${once.dup.length} ` +
    `bad_loads=${loads.badLoads.length} peak_store_ratio=${stores.peakRatio.toFixed(3)} orphans=${orphans}`,
);
process.exitCode = failures.length > 0 ? 1 : 0;
