// bench/transfer-report.ts: what the transfer benchmark prints from the runs it made: per
// cell, the searches side by side, the paired measurement per rule (the primary statistic),
// time to the scratch runs' median final best, the whole-search comparison (secondary), the
// top-K over distinct models and the warm start; then the RESULT line.

import {
  bestSoFar,
  fmtNumber,
  fmtP,
  fmtSeconds,
  fmtShare,
  fmtSigned,
  mean,
  meanDifferenceInterval,
  median,
  pairedRows,
  summarizePairs,
  summarizeRun,
  timeToTarget,
  vanElteren,
  wilcoxonSignedRank,
  type PairedRow,
  type Run,
} from 'graft/report';

export interface CellResult {
  data: string;
  space: string;
  /** runs[mode][i]: the search of the i-th seed in that mode ('none' or a rule). */
  runs: Record<string, Run[]>;
  /** The default rule's first-seed run, with its top-K records. */
  topk: Run;
  warm?: { earlier: Run; warm: Run };
  budget: { maxEvals: number; epochs: number; trainSize: number; actorsPerRank: number };
}

interface PlanView {
  seeds: number[];
  ranks: number;
}

const g = (x: number): string => (Number.isFinite(x) ? Number(x.toPrecision(4)).toString() : 'nan');
/** A p-value with its magnitude even when tiny (the targets are stated as p < 0.001). */
const pOf = (p: number): string => (p < 1e-4 ? p.toExponential(1) : fmtP(p));

function scoresOf(run: Run): number[] {
  return run.evaluations.filter((r) => r.repeatOf === undefined && Number.isFinite(r.score)).map((r) => r.score);
}

function rowsOf(runs: readonly Run[]): PairedRow[] {
  return runs.flatMap((run) => pairedRows(run));
}

/** Evaluations (in order of completion) a run took to reach `target`; Infinity if never. */
export function evaluationsTo(run: Run, target: number): number {
  return bestSoFar(run.evaluations).find((p) => p.value >= target)?.evaluation ?? Infinity;
}

/** Architectures among a top-K run's trained models that differ. */
function distinctTopK(run: Run): number {
  return new Set(summarizeRun(run).topk.pairs.map((p) => run.evaluations.find((e) => e.id === p.id)?.choices.join() ?? String(p.id))).size;
}

/** The warm start against the run it started from: the earlier best, and the evaluations each needed to reach it. */
function warmStart(w: NonNullable<CellResult['warm']>): { best: number; earlier: number; warm: number; ratio: number } {
  const best = summarizeRun(w.earlier).best!.score;
  const earlier = evaluationsTo(w.earlier, best);
  const warm = evaluationsTo(w.warm, best);
  return { best, earlier, warm, ratio: warm / earlier };
}

export function printCell(r: CellResult, plan: PlanView, defaultRule: string): void {
  const b = r.budget;
  console.log(`== ${r.data} / ${r.space}: ${plan.seeds.length} seed(s) × ${b.maxEvals} evaluations, ${b.epochs} epoch(s) on ${b.trainSize} samples, ${plan.ranks} rank(s) × ${b.actorsPerRank} actors`);
  console.log('mode      new  repeats  mean    best (median over seeds)  hit rate  params transferred  wall (median)');
  for (const [mode, runs] of Object.entries(r.runs)) {
    const sums = runs.map(summarizeRun);
    const scores = runs.flatMap(scoresOf);
    const repeats = runs.reduce((a, run) => a + run.evaluations.filter((e) => e.repeatOf !== undefined).length, 0);
    const transferred = runs.flatMap((run) => run.evaluations.filter((e) => e.repeatOf === undefined && (e.transfer.paramsTotal ?? 0) > 0).map((e) => e.transfer.paramsTransferred! / e.transfer.paramsTotal!));
    console.log(
      [
        mode.padEnd(9),
        String(scores.length).padEnd(4),
        String(repeats).padEnd(8),
        fmtNumber(scores.length > 0 ? mean(scores) : NaN).padEnd(7),
        fmtNumber(median(sums.map((s) => s.best?.score ?? NaN).filter(Number.isFinite))).padEnd(25),
        fmtShare(mean(sums.map((s) => s.transfer.hitRate))).padEnd(9),
        (transferred.length > 0 ? fmtShare(mean(transferred)) : '–').padEnd(19),
        fmtSeconds(median(sums.map((s) => s.wallSeconds))),
      ].join(' '),
    );
  }
  const tt = timeToTarget(r.runs, 'none');
  console.log(`paired: each transferred candidate against its scratch twin (new architectures; repeats apart); time to the scratch runs' median final best ${fmtNumber(tt.target)}`);
  for (const rule of Object.keys(r.runs).filter((m) => m !== 'none')) {
    const s = summarizePairs(rowsOf(r.runs[rule]!));
    const mode = tt.modes[rule]!;
    console.log(
      `  ${rule.padEnd(8)} n ${String(s.n).padEnd(3)} median gain ${fmtSigned(s.medianGain.estimate)} [${fmtSigned(s.medianGain.low)}, ${fmtSigned(s.medianGain.high)}]  mean ${fmtSigned(s.meanGain.estimate)}  ` +
        `helped ${fmtShare(s.helpedShare)}  Wilcoxon p ${s.wilcoxon ? `${pOf(s.wilcoxon.p)} (${s.wilcoxon.method})` : '–'}  repeats ${s.repeats}  ` +
        `time to target ${fmtSeconds(mode.median)} vs ${fmtSeconds(tt.modes.none!.median)}: ${fmtNumber(mode.speedup, 2)}x`,
    );
    console.log(`           by fraction of parameters transferred: ${s.byFraction.map((bin) => `${bin.label}: n ${bin.n}, median ${fmtSigned(bin.medianGain)}, helped ${fmtShare(bin.helpedShare)}`).join('; ')}`);
  }
  console.log('whole-search comparison (secondary: treats candidates as independent draws, which they are not: children share parents, and every run of a seed shares its initial population)');
  for (const rule of Object.keys(r.runs).filter((m) => m !== 'none')) {
    const strata = r.runs[rule]!.map((run, i) => ({ x: scoresOf(run), y: scoresOf(r.runs.none![i]!) }));
    const v = vanElteren(strata);
    console.log(`  ${rule.padEnd(8)} van Elteren (stratified by seed) z ${fmtNumber(v.z, 2)}, p ${pOf(v.p)}`);
  }
  printTopK(r.topk, defaultRule);
  if (r.warm) {
    const { best, earlier, warm, ratio } = warmStart(r.warm);
    const fromEarlier = r.warm.warm.evaluations.filter((e) => e.transfer.donorRun !== undefined).length;
    console.log(
      `warm start (--donors-from the ${defaultRule} run, another seed): the earlier run's best ${fmtNumber(best)} took it ${earlier} evaluations; ` +
        `the warm-started search ${Number.isFinite(warm) ? warm : 'never reached it in'} ${Number.isFinite(warm) ? 'evaluations' : `${r.warm.warm.evaluations.length}`}: ratio ${fmtNumber(ratio, 2)}; ` +
        `${fromEarlier} of its candidates took layers from the earlier run`,
    );
  }
  console.log('');
}

function printTopK(run: Run, rule: string): void {
  const pairs = summarizeRun(run).topk.pairs;
  if (pairs.length === 0) {
    console.log('top-K: no model had both a checkpoint and a scratch training recorded');
    return;
  }
  console.log(`top-${pairs.length} full training (first seed, ${rule} run; ${distinctTopK(run)} distinct architectures): checkpoint vs scratch`);
  console.log('  cand  epochs ckpt/scratch  time ckpt/scratch      test ckpt/scratch  ratio epochs  ratio time');
  for (const p of pairs) {
    console.log(
      `  #${String(p.id).padEnd(4)} ${`${p.checkpoint.epochs}/${p.scratch.epochs}`.padEnd(20)} ${`${fmtSeconds(p.checkpoint.seconds)}/${fmtSeconds(p.scratch.seconds)}`.padEnd(22)} ` +
        `${`${fmtNumber(p.checkpoint.testScore)}/${fmtNumber(p.scratch.testScore)}`.padEnd(18)} ${fmtNumber(p.epochRatio, 2).padEnd(13)} ${fmtNumber(p.timeRatio, 2)}`,
    );
  }
  const delta = meanDifferenceInterval(pairs.map((p) => p.checkpoint.testScore), pairs.map((p) => p.scratch.testScore));
  console.log(
    `  mean ratio scratch/checkpoint: epochs ${fmtNumber(mean(pairs.map((p) => p.epochRatio)), 2)}, time ${fmtNumber(mean(pairs.map((p) => p.timeRatio)), 2)} (CLUSTER'21: 1.4–1.5); ` +
      `test checkpoint − scratch ${fmtSigned(delta.estimate)} [${fmtSigned(delta.low)}, ${fmtSigned(delta.high)}]`,
  );
}

export function printResult(results: readonly CellResult[], defaultRule: string): void {
  const rows = results.flatMap((r) => rowsOf(r.runs[defaultRule] ?? [])).filter((row) => !row.repeat);
  const gains = rows.map((row) => row.gain);
  const w = gains.length > 0 ? wilcoxonSignedRank(gains) : undefined;
  // Geometric mean over cells of the default rule's time-to-target speedup.
  const speedups = results.map((r) => timeToTarget(r.runs, 'none').modes[defaultRule]?.speedup ?? NaN).filter((x) => x > 0);
  const ttSpeedup = speedups.length > 0 ? Math.exp(mean(speedups.map(Math.log))) : NaN;
  const topk = results.flatMap((r) => summarizeRun(r.topk).topk.pairs);
  const distinct = results.reduce((a, r) => a + distinctTopK(r.topk), 0);
  const warm = results.find((r) => r.warm)?.warm;
  const warmRatio = warm ? warmStart(warm).ratio : NaN;
  const transferred = results.flatMap((r) => Object.entries(r.runs).filter(([m]) => m !== 'none').flatMap(([, runs]) => runs.map(summarizeRun)));
  const fetch = transferred.reduce((a, s) => a + s.transfer.fetchSeconds, 0);
  const evalSeconds = transferred.reduce((a, s) => a + s.evaluationSeconds, 0);
  const avg = (xs: number[]) => (xs.length > 0 ? mean(xs) : NaN);
  console.log(
    `RESULT pair_n=${rows.length} pair_median_gain=${g(gains.length > 0 ? median(gains) : NaN)} pair_p=${g(w?.p ?? NaN)} ` +
      `helped_share=${g(gains.length > 0 ? gains.filter((x) => x > 0).length / gains.length : NaN)} tt_target_speedup=${g(ttSpeedup)} ` +
      `topk_distinct=${distinct} topk_epoch_ratio=${g(avg(topk.map((p) => p.epochRatio)))} topk_time_ratio=${g(avg(topk.map((p) => p.timeRatio)))} ` +
      `topk_test_delta=${g(avg(topk.map((p) => p.checkpoint.testScore - p.scratch.testScore)))} warm_start_evals_ratio=${g(warmRatio)} ` +
      `fetch_time_share=${g(evalSeconds > 0 ? fetch / evalSeconds : NaN)}`,
  );
}
