// bench/transfer.ts: transfer against scratch, the claim graft exists for (CLUSTER'21). Runs the
// same searches (same seed, space and budget) with `--transfer none` and `--transfer prefix`
// (finetune and freeze), then the top-K phase (from checkpoint and from scratch) on the
// transferred runs, all as `node dist/main.js …` child processes, and prints the score
// distributions, Mann–Whitney U tests, best-so-far figures, time and fetch figures, top-K
// ratios and a last RESULT line. `--quick` runs a reduced version (one space, one seed);
// `--reuse --out DIR` keeps the runs already in DIR (to finish an interrupted run or re-read it).
//
//   npm run bench:transfer -- [--quick] [--out DIR] [--reuse] [--seeds N] [--spaces a,b]
//                             [--epochs N] [--train-size N] [--max-evals N]   (budget overrides)
//                             [--ranks N]   (each search under mpirun -n N, to fetch from peers)

import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  bestAt,
  bestSoFar,
  compareRuns,
  fmtBytes,
  fmtNumber,
  fmtP,
  fmtSeconds,
  fmtShare,
  fmtSigned,
  mannWhitneyU,
  mean,
  readRun,
  summarize,
  summarizeRun,
  vanElteren,
  writeReport,
  type Run,
  type RunSummary,
  type TopKPair,
} from 'graft/report';
import { kJournalFile } from 'graft/nas';

const kMain = new URL('../../dist/main.js', import.meta.url).pathname;

interface Budget {
  maxEvals: number;
  population: number;
  sample: number;
  epochs: number;
  trainSize: number;
  valSize: number;
  actorsPerRank: number;
}

interface Plan {
  spaces: string[];
  seeds: number[];
  modes: Mode[];
  budget: Record<string, Budget>;
  topk: number;
  /** Seconds any one child process may run before it is killed. */
  childTimeout: number;
  /** Keep runs already in --out (a journal, top-K records) instead of running them again. */
  reuse: boolean;
  /** MPI ranks per search (1: a plain process); the top-K phase runs in one process. */
  ranks: number;
}

interface Mode {
  name: string;
  transfer: 'none' | 'prefix';
  transferMode: 'finetune' | 'freeze';
}

const kNone: Mode = { name: 'none', transfer: 'none', transferMode: 'finetune' };
const kFinetune: Mode = { name: 'prefix-finetune', transfer: 'prefix', transferMode: 'finetune' };
const kFreeze: Mode = { name: 'prefix-freeze', transfer: 'prefix', transferMode: 'freeze' };

// Budgets sized for a 2-core machine. Convolutions are slower, so the CNN space gets fewer
// evaluations; but each gets 2 epochs on 2,048 images, since at 1 epoch on 1,024 the CNN
// candidates reach ~0.65 validation accuracy and carry too little to transfer (bench/RESULTS.md).
const kFull: Plan = {
  spaces: ['mnist-mlp', 'mnist-cnn'],
  seeds: [1, 2, 3],
  modes: [kNone, kFinetune, kFreeze],
  budget: {
    'mnist-mlp': { maxEvals: 40, population: 10, sample: 4, epochs: 1, trainSize: 4096, valSize: 1024, actorsPerRank: 2 },
    'mnist-cnn': { maxEvals: 20, population: 6, sample: 3, epochs: 2, trainSize: 2048, valSize: 512, actorsPerRank: 2 },
  },
  topk: 5,
  childTimeout: 3600,
  reuse: false,
  ranks: 1,
};

const kQuick: Plan = {
  spaces: ['mnist-mlp'],
  seeds: [1],
  modes: [kNone, kFinetune, kFreeze],
  budget: {
    'mnist-mlp': { maxEvals: 12, population: 6, sample: 3, epochs: 1, trainSize: 2048, valSize: 512, actorsPerRank: 2 },
    'mnist-cnn': { maxEvals: 6, population: 3, sample: 2, epochs: 1, trainSize: 512, valSize: 256, actorsPerRank: 2 },
  },
  topk: 5,
  childTimeout: 420,
  reuse: false,
  ranks: 1,
};

interface SpaceResult {
  space: string;
  /** runs[mode][i]: the search of seeds[i] in that mode. */
  runs: Record<string, Run[]>;
  topk: TopKPair[];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      out: { type: 'string' },
      seeds: { type: 'string' },
      spaces: { type: 'string' },
      reuse: { type: 'boolean', default: false },
      epochs: { type: 'string' },
      'train-size': { type: 'string' },
      'max-evals': { type: 'string' },
      ranks: { type: 'string' },
    },
  });
  const plan: Plan = { ...(values.quick ? kQuick : kFull), reuse: values.reuse };
  if (values.ranks !== undefined) plan.ranks = positiveInt(values.ranks, '--ranks');
  // Budget overrides apply to every space, to see how the comparison moves with training per candidate.
  const override: Partial<Budget> = {
    ...(values.epochs !== undefined ? { epochs: positiveInt(values.epochs, '--epochs') } : {}),
    ...(values['train-size'] !== undefined ? { trainSize: positiveInt(values['train-size'], '--train-size') } : {}),
    ...(values['max-evals'] !== undefined ? { maxEvals: positiveInt(values['max-evals'], '--max-evals') } : {}),
  };
  plan.budget = Object.fromEntries(Object.entries(plan.budget).map(([k, b]) => [k, { ...b, ...override }]));
  if (values.seeds !== undefined) plan.seeds = Array.from({ length: positiveInt(values.seeds, '--seeds') }, (_, i) => i + 1);
  if (values.spaces !== undefined) plan.spaces = values.spaces.split(',');
  for (const s of plan.spaces) if (!plan.budget[s]) fail(`no budget for space '${s}' (known: ${Object.keys(plan.budget).join(', ')})`);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const outRoot = resolve(values.out ?? join('runs', `bench-transfer-${stamp}`));
  mkdirSync(outRoot, { recursive: true });

  await requireCommands();
  console.log(
    `transfer vs scratch: ${values.quick ? 'quick' : 'full'} run, spaces ${plan.spaces.join(', ')}, seeds ${plan.seeds.join(', ')}, ` +
      `${plan.ranks} rank(s), top-${plan.topk}`,
  );
  console.log(`runs in ${outRoot}\n`);

  const results: SpaceResult[] = [];
  for (const space of plan.spaces) results.push(await runSpace(space, plan, outRoot));

  for (const r of results) printSpace(r, plan);
  printResult(results);
}

async function runSpace(space: string, plan: Plan, outRoot: string): Promise<SpaceResult> {
  const runs: Record<string, Run[]> = {};
  const b = plan.budget[space]!;
  for (const seed of plan.seeds) {
    for (const mode of plan.modes) {
      const dir = join(outRoot, space, `seed-${seed}`, mode.name);
      const args = [
        'search',
        '--space', space,
        '--max-evals', String(b.maxEvals),
        '--population', String(b.population),
        '--sample', String(b.sample),
        '--epochs', String(b.epochs),
        '--train-size', String(b.trainSize),
        '--val-size', String(b.valSize),
        '--actors-per-rank', String(b.actorsPerRank),
        '--transfer', mode.transfer,
        '--transfer-mode', mode.transferMode,
        '--seed', String(seed),
        '--out', dir,
        '--no-progress',
      ];
      if (plan.reuse && existsSync(join(dir, kJournalFile))) {
        console.log(`  ${space} seed ${seed} ${mode.name}: reusing ${dir}`);
      } else {
        const seconds = await graft(args, dir, plan.childTimeout, plan.ranks);
        console.log(`  ${space} seed ${seed} ${mode.name}: search done in ${fmtSeconds(seconds)}`);
      }
      (runs[mode.name] ??= []).push(await readRun(dir, mode.name));
    }
  }
  // Top-K on the first seed's transferred run: each model trained fully from its search
  // checkpoint and from scratch, with early stopping.
  const topkDir = join(outRoot, space, `seed-${plan.seeds[0]}`, kFinetune.name);
  if (plan.reuse && runs[kFinetune.name]![0]!.topk.length > 0) {
    console.log(`  ${space} top-${plan.topk}: reusing the records in ${topkDir}`);
  } else {
    const seconds = await graft(['topk', topkDir, '--k', String(plan.topk)], topkDir, plan.childTimeout * 2);
    console.log(`  ${space} top-${plan.topk}: done in ${fmtSeconds(seconds)}`);
  }
  const withTopk = await readRun(topkDir, kFinetune.name);
  runs[kFinetune.name]![0] = withTopk;
  const report = await writeReport(topkDir, { vs: join(outRoot, space, `seed-${plan.seeds[0]}`, kNone.name), label: kFinetune.name, vsLabel: kNone.name });
  console.log(`  report: ${report.html}\n`);
  return { space, runs, topk: summarizeRun(withTopk).topk.pairs };
}

/**
 * Runs `node dist/main.js …args` (under `mpirun -n ranks` when ranks > 1), output to
 * DIR/bench-<command>.log; resolves to its wall seconds. The child leads its own process group,
 * so a timeout kills mpirun and every rank it started.
 */
function graft(args: string[], logDir: string, timeoutSeconds: number, ranks = 1): Promise<number> {
  mkdirSync(logDir, { recursive: true });
  const logPath = join(logDir, `bench-${args[0]}.log`);
  const logFile = createWriteStream(logPath);
  const started = performance.now();
  const [command, argv] =
    // Unbound: Open MPI would pin each of 2 ranks to one core, where its actors could not run side by side.
    ranks > 1 ? ['mpirun', ['-n', String(ranks), '--oversubscribe', '--bind-to', 'none', process.execPath, kMain, ...args]] : [process.execPath, [kMain, ...args]];
  // OpenMPI refuses to start as root unless told; CI and containers run as root.
  const env = process.getuid?.() === 0 ? { ...process.env, OMPI_ALLOW_RUN_AS_ROOT: '1', OMPI_ALLOW_RUN_AS_ROOT_CONFIRM: '1' } : process.env;
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env });
    child.stdout.pipe(logFile);
    child.stderr.pipe(logFile);
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
      reject(new Error(`graft ${args[0]} ran past ${timeoutSeconds} s and was killed; see ${logPath}`));
    }, timeoutSeconds * 1000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolvePromise((performance.now() - started) / 1000);
      else reject(new Error(`graft ${args.join(' ')} exited with ${code ?? signal}; see ${logPath}`));
    });
  });
}

async function requireCommands(): Promise<void> {
  if (!existsSync(kMain)) fail(`${kMain} not found: build first (npm run build)`);
  for (const command of ['search', 'topk']) {
    const ok = await new Promise<boolean>((done) => {
      const child = spawn(process.execPath, [kMain, command, '--help'], { stdio: 'ignore' });
      child.on('exit', (code) => done(code === 0));
      child.on('error', () => done(false));
    });
    if (!ok) fail(`'graft ${command}' is not available in this build`);
  }
}

function printSpace(r: SpaceResult, plan: Plan): void {
  const b = plan.budget[r.space]!;
  console.log(`== ${r.space}: ${plan.seeds.length} seed(s) × ${b.maxEvals} evaluations, ${b.epochs} epoch(s) on ${b.trainSize} samples, ${plan.ranks} rank(s) × ${b.actorsPerRank} actors`);
  console.log('mode              cands  mean    median  q1      q3      best    train time  hit rate  fetched     fetch time (share)  local/peer/spill');
  const summaries: Record<string, RunSummary[]> = {};
  for (const mode of plan.modes) {
    const runs = r.runs[mode.name]!;
    const sums = runs.map(summarizeRun);
    summaries[mode.name] = sums;
    const scores = runs.flatMap(scoresOf);
    const s = scores.length > 0 ? summarize(scores) : undefined;
    const total = (f: (x: RunSummary) => number) => sums.reduce((a, x) => a + f(x), 0);
    const evalSeconds = total((x) => x.evaluationSeconds);
    console.log(
      [
        mode.name.padEnd(17),
        String(scores.length).padEnd(6),
        fmtNumber(s?.mean).padEnd(7),
        fmtNumber(s?.median).padEnd(7),
        fmtNumber(s?.q1).padEnd(7),
        fmtNumber(s?.q3).padEnd(7),
        fmtNumber(s?.max).padEnd(7),
        fmtSeconds(total((x) => x.trainSeconds)).padEnd(11),
        fmtShare(mean(sums.map((x) => x.transfer.hitRate))).padEnd(9),
        fmtBytes(total((x) => x.transfer.bytesFetched)).padEnd(11),
        `${fmtSeconds(total((x) => x.transfer.fetchSeconds))} (${fmtShare(evalSeconds > 0 ? total((x) => x.transfer.fetchSeconds) / evalSeconds : 0)})`.padEnd(19),
        `${total((x) => x.transfer.sources.local)}/${total((x) => x.transfer.sources.peer)}/${total((x) => x.transfer.sources.spill)}`,
      ].join(' '),
    );
  }
  const none = r.runs[kNone.name]!;
  for (const mode of plan.modes.filter((m) => m !== kNone)) {
    const runs = r.runs[mode.name]!;
    const pooled = mannWhitneyU(runs.flatMap(scoresOf), none.flatMap(scoresOf));
    const stratified = vanElteren(runs.map((run, i) => ({ x: scoresOf(run), y: scoresOf(none[i]!) })));
    const perSeed = runs.map((run, i) => compareRuns(run, none[i]!));
    console.log(
      `${mode.name} vs none: mean gain ${fmtSigned(mean(perSeed.map((c) => c?.meanGain ?? NaN)))}, ` +
        `pooled U ${fmtNumber(pooled.u, 1)}, p ${fmtP(pooled.p)} (${pooled.method}), P(beats scratch) ${fmtShare(pooled.effect)}; ` +
        `stratified by seed (van Elteren) z ${fmtNumber(stratified.z, 2)}, p ${fmtP(stratified.p)}; ` +
        `per seed p: ${perSeed.map((c) => (c ? fmtP(c.test.p) : '–')).join(', ')}`,
    );
  }
  // Best score reached at shares of the scratch run's wall time, and after shares of the
  // evaluation budget, averaged over seeds.
  const shares = [0.25, 0.5, 1];
  const atTime = (runs: Run[], share: number) =>
    mean(runs.map((run, i) => bestAt(bestSoFar(run.evaluations), share * summarizeRun(none[i]!).wallSeconds) ?? NaN).filter(Number.isFinite));
  const atEval = (runs: Run[], share: number) =>
    mean(runs.map((run) => bestSoFar(run.evaluations).find((p) => p.evaluation >= Math.ceil(share * run.evaluations.length))?.value ?? NaN).filter(Number.isFinite));
  console.log(`best so far at ${shares.map((s) => `${s * 100}%`).join(' / ')} of scratch's wall time, and of the evaluations:`);
  for (const mode of plan.modes) {
    const runs = r.runs[mode.name]!;
    console.log(
      `  ${mode.name.padEnd(17)} time ${shares.map((s) => safe(() => atTime(runs, s))).join(' / ')}   evals ${shares.map((s) => safe(() => atEval(runs, s))).join(' / ')}` +
        `   wall ${fmtSeconds(mean(summaries[mode.name]!.map((x) => x.wallSeconds)))}`,
    );
  }
  if (r.topk.length > 0) {
    console.log(`top-${r.topk.length} full training (seed ${plan.seeds[0]}, prefix-finetune run): checkpoint vs scratch`);
    console.log('  cand  epochs ckpt/scratch  time ckpt/scratch      test ckpt/scratch  ratio epochs  ratio time');
    for (const p of r.topk) {
      console.log(
        `  #${String(p.id).padEnd(4)} ${`${p.checkpoint.epochs}/${p.scratch.epochs}`.padEnd(20)} ${`${fmtSeconds(p.checkpoint.seconds)}/${fmtSeconds(p.scratch.seconds)}`.padEnd(22)} ` +
          `${`${fmtNumber(p.checkpoint.testScore)}/${fmtNumber(p.scratch.testScore)}`.padEnd(18)} ${fmtNumber(p.epochRatio, 2).padEnd(13)} ${fmtNumber(p.timeRatio, 2)}`,
      );
    }
    console.log(`  mean ratio scratch/checkpoint: epochs ${fmtNumber(mean(r.topk.map((p) => p.epochRatio)), 2)}, time ${fmtNumber(mean(r.topk.map((p) => p.timeRatio)), 2)} (CLUSTER'21: 1.4–1.5)`);
  } else {
    console.log('top-K: no model had both a checkpoint and a scratch training recorded');
  }
  console.log('');
}

function printResult(results: SpaceResult[]): void {
  // score_gain: mean over (space, seed) of the finetune run's mean score minus scratch's;
  // p_value: one two-sided test of finetune against scratch stratified by (space, seed), each
  // stratum a matched pair of searches. Pooling would mix spaces whose scores sit on different
  // scales (an MLP near 0.88, a CNN near 0.65 on these budgets).
  const gains = results.flatMap((r) => r.runs[kFinetune.name]!.map((run, i) => compareRuns(run, r.runs[kNone.name]![i]!)?.meanGain ?? NaN));
  const strata = results.flatMap((r) => r.runs[kFinetune.name]!.map((run, i) => ({ x: scoresOf(run), y: scoresOf(r.runs[kNone.name]![i]!) })));
  const p = strata.some((st) => st.x.length > 0 && st.y.length > 0) ? vanElteren(strata).p : NaN;
  const pairs = results.flatMap((r) => r.topk);
  const finite = (xs: number[]) => xs.filter(Number.isFinite);
  const avg = (xs: number[]) => (finite(xs).length > 0 ? mean(finite(xs)) : NaN);
  const prefixRuns = results.flatMap((r) => Object.entries(r.runs).filter(([m]) => m !== kNone.name).flatMap(([, runs]) => runs.map(summarizeRun)));
  const fetch = prefixRuns.reduce((a, s) => a + s.transfer.fetchSeconds, 0);
  const evalSeconds = prefixRuns.reduce((a, s) => a + s.evaluationSeconds, 0);
  const g = (x: number) => (Number.isFinite(x) ? Number(x.toPrecision(4)).toString() : 'nan');
  console.log(
    `RESULT score_gain=${g(avg(gains))} p_value=${g(p)} topk_epoch_ratio=${g(avg(pairs.map((x) => x.epochRatio)))} ` +
      `topk_time_ratio=${g(avg(pairs.map((x) => x.timeRatio)))} fetch_time_share=${g(evalSeconds > 0 ? fetch / evalSeconds : NaN)}`,
  );
}

function scoresOf(run: Run): number[] {
  return run.evaluations.map((r) => r.score).filter((s) => typeof s === 'number' && Number.isFinite(s));
}

function safe(f: () => number): string {
  try {
    return fmtNumber(f());
  } catch {
    return '–';
  }
}

function positiveInt(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) fail(`${flag} must be a positive integer, got '${text}'`);
  return n;
}

function fail(message: string): never {
  console.error(`bench:transfer: ${message}`);
  process.exit(2);
}

main().catch((err: unknown) => {
  console.error(`bench:transfer: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
