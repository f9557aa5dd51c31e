// bench/transfer.ts: transfer against scratch, the claim graft exists for (CLUSTER'21). Runs the
// same searches (same seed, space and budget) with `--transfer none` and `--transfer prefix`
// (finetune and freeze), then the top-K phase (from checkpoint and from scratch) on the
// transferred runs, all as `node dist/main.js …` child processes, and prints the score
// distributions, Mann–Whitney U tests, best-so-far figures, time and fetch figures, top-K
// ratios and a last RESULT line. `--quick` runs a reduced version (one space, one seed).
//
//   npm run bench:transfer [-- --quick] [-- --out DIR] [-- --seeds N] [-- --spaces a,b]

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
  writeReport,
  type Run,
  type RunSummary,
  type TopKPair,
} from 'graft/report';

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
}

interface Mode {
  name: string;
  transfer: 'none' | 'prefix';
  transferMode: 'finetune' | 'freeze';
}

const kNone: Mode = { name: 'none', transfer: 'none', transferMode: 'finetune' };
const kFinetune: Mode = { name: 'prefix-finetune', transfer: 'prefix', transferMode: 'finetune' };
const kFreeze: Mode = { name: 'prefix-freeze', transfer: 'prefix', transferMode: 'freeze' };

// Budgets sized for a 2-core machine: the MLP space trains fast on wasm; convolutions are
// slower, so the CNN space gets fewer, smaller evaluations.
const kFull: Plan = {
  spaces: ['mnist-mlp', 'mnist-cnn'],
  seeds: [1, 2, 3],
  modes: [kNone, kFinetune, kFreeze],
  budget: {
    'mnist-mlp': { maxEvals: 40, population: 10, sample: 4, epochs: 1, trainSize: 4096, valSize: 1024, actorsPerRank: 2 },
    'mnist-cnn': { maxEvals: 20, population: 6, sample: 3, epochs: 1, trainSize: 1024, valSize: 512, actorsPerRank: 2 },
  },
  topk: 5,
  childTimeout: 3600,
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
    },
  });
  const plan: Plan = { ...(values.quick ? kQuick : kFull) };
  if (values.seeds !== undefined) plan.seeds = Array.from({ length: positiveInt(values.seeds, '--seeds') }, (_, i) => i + 1);
  if (values.spaces !== undefined) plan.spaces = values.spaces.split(',');
  for (const s of plan.spaces) if (!plan.budget[s]) fail(`no budget for space '${s}' (known: ${Object.keys(plan.budget).join(', ')})`);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const outRoot = resolve(values.out ?? join('runs', `bench-transfer-${stamp}`));
  mkdirSync(outRoot, { recursive: true });

  await requireCommands();
  console.log(`transfer vs scratch: ${values.quick ? 'quick' : 'full'} run, spaces ${plan.spaces.join(', ')}, seeds ${plan.seeds.join(', ')}, top-${plan.topk}`);
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
      const seconds = await graft(args, dir, plan.childTimeout);
      console.log(`  ${space} seed ${seed} ${mode.name}: search done in ${fmtSeconds(seconds)}`);
      (runs[mode.name] ??= []).push(await readRun(dir, mode.name));
    }
  }
  // Top-K on the first seed's transferred run: each model trained fully from its search
  // checkpoint and from scratch, with early stopping.
  const topkDir = join(outRoot, space, `seed-${plan.seeds[0]}`, kFinetune.name);
  const seconds = await graft(['topk', topkDir, '--k', String(plan.topk)], topkDir, plan.childTimeout * 2);
  console.log(`  ${space} top-${plan.topk}: done in ${fmtSeconds(seconds)}`);
  const withTopk = await readRun(topkDir, kFinetune.name);
  runs[kFinetune.name]![0] = withTopk;
  const report = await writeReport(topkDir, { vs: join(outRoot, space, `seed-${plan.seeds[0]}`, kNone.name), label: kFinetune.name, vsLabel: kNone.name });
  console.log(`  report: ${report.html}\n`);
  return { space, runs, topk: summarizeRun(withTopk).topk.pairs };
}

/** Runs `node dist/main.js …args`, output to DIR/bench.log; resolves to its wall seconds. */
function graft(args: string[], logDir: string, timeoutSeconds: number): Promise<number> {
  mkdirSync(logDir, { recursive: true });
  const logPath = join(logDir, `bench-${args[0]}.log`);
  const logFile = createWriteStream(logPath);
  const started = performance.now();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [kMain, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(logFile);
    child.stderr.pipe(logFile);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
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
  console.log(`== ${r.space}: ${plan.seeds.length} seed(s) × ${b.maxEvals} evaluations, ${b.epochs} epoch(s) on ${b.trainSize} samples, ${b.actorsPerRank} actors`);
  console.log('mode              cands  mean    median  q1      q3      best    train time  hit rate  fetched     fetch time (share)');
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
        `${fmtSeconds(total((x) => x.transfer.fetchSeconds))} (${fmtShare(evalSeconds > 0 ? total((x) => x.transfer.fetchSeconds) / evalSeconds : 0)})`,
      ].join(' '),
    );
  }
  const none = r.runs[kNone.name]!;
  for (const mode of plan.modes.filter((m) => m !== kNone)) {
    const runs = r.runs[mode.name]!;
    const pooled = mannWhitneyU(runs.flatMap(scoresOf), none.flatMap(scoresOf));
    const perSeed = runs.map((run, i) => compareRuns(run, none[i]!));
    console.log(
      `${mode.name} vs none: mean gain ${fmtSigned(mean(perSeed.map((c) => c?.meanGain ?? NaN)))}, ` +
        `U ${fmtNumber(pooled.u, 1)}, p ${fmtP(pooled.p)} (${pooled.method}), P(beats scratch) ${fmtShare(pooled.effect)}; ` +
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
  // p_value: the pooled two-sided test of every finetune candidate against every scratch one
  // (balanced: the same number of evaluations per space and seed on both sides).
  const gains = results.flatMap((r) => r.runs[kFinetune.name]!.map((run, i) => compareRuns(run, r.runs[kNone.name]![i]!)?.meanGain ?? NaN));
  const transfer = results.flatMap((r) => r.runs[kFinetune.name]!.flatMap(scoresOf));
  const scratch = results.flatMap((r) => r.runs[kNone.name]!.flatMap(scoresOf));
  const p = transfer.length > 0 && scratch.length > 0 ? mannWhitneyU(transfer, scratch).p : NaN;
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
