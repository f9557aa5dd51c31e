// report/run-summary.ts: the figures a reader wants from one run (score distribution, best
// candidate, time spent, transfer hit rate, bytes and time fetching, top-K ratios) and from a
// pair of runs (transfer against scratch: gains and the Mann–Whitney U test).

import type { FetchSource, TopKRecord } from '../nas/run/index.js';
import { hasScore, type Run } from './journal.js';
import { mannWhitneyU, mean, summarize, type MannWhitneyResult, type Summary } from './statistics.js';

export interface TopKPair {
  id: number;
  checkpoint: TopKRecord;
  scratch: TopKRecord;
  /** scratch / checkpoint: how many times more epochs (or seconds) training from scratch took. */
  epochRatio: number;
  timeRatio: number;
}

export interface TopKSummary {
  pairs: TopKPair[];
  /** Means of the per-model ratios (the figure CLUSTER'21 reports as 1.4–1.5x); NaN without pairs. */
  meanEpochRatio: number;
  meanTimeRatio: number;
}

export interface RunSummary {
  label: string;
  /** Candidates finished, with or without a score. */
  evaluations: number;
  /** Candidates without a finite score: failed on every try, or diverged in training. */
  failed: number;
  /** The candidates among those that failed on every try (`failure` records), by id. */
  failures: FailedCandidate[];
  /** Distribution of finite scores; undefined when there is none. */
  score?: Summary;
  best?: { id: number; score: number; choices: number[] };
  /** When the last evaluation finished, in seconds since the search started. */
  wallSeconds: number;
  trainSeconds: number;
  /** Sum over evaluations of build + fetch + train + store. */
  evaluationSeconds: number;
  actors: number;
  /** Evaluations that repeat an earlier architecture (cached results, not trained). */
  repeats: number;
  transfer: {
    /** The donor rules the evaluations used (one, unless the journal mixes runs). */
    rules: string[];
    /** Fraction of the new architectures' evaluations that received at least one transferred layer. */
    hitRate: number;
    /** Mean over those that received layers of the fraction of parameters transferred (NaN when not recorded). */
    meanFraction: number;
    /** Evaluations whose donor came from an earlier search (`--donors-from`), by run directory. */
    fromEarlierRuns: Record<string, number>;
    layersTransferred: number;
    bytesFetched: number;
    fetchSeconds: number;
    /** fetchSeconds / evaluationSeconds. */
    fetchShare: number;
    sources: Record<FetchSource, number>;
  };
  topk: TopKSummary;
}

export interface FailedCandidate {
  id: number;
  choices: number[];
  attempts: number;
  /** The last try's error. */
  error: { name: string; code: string; message: string };
}

export interface RunComparison {
  label: string;
  baseline: string;
  /** mean(run) − mean(baseline), and the same for medians. */
  meanGain: number;
  medianGain: number;
  /** Two-sided test of run's scores against baseline's; effect = P(run's score > baseline's). */
  test: MannWhitneyResult;
}

export function summarizeRun(run: Run): RunSummary {
  const ev = run.evaluations;
  const scored = ev.filter(hasScore);
  const sources: Record<FetchSource, number> = { local: 0, peer: 0, spill: 0, none: 0 };
  let trainSeconds = 0;
  let evaluationSeconds = 0;
  let layersTransferred = 0;
  let bytesFetched = 0;
  let fetchSeconds = 0;
  let hits = 0;
  let repeats = 0;
  const fractions: number[] = [];
  const rules = new Set<string>();
  const fromEarlierRuns: Record<string, number> = {};
  for (const r of ev) {
    if (r.repeatOf !== undefined) repeats++;
    else if (r.transfer.rule) rules.add(r.transfer.rule);
    if (r.transfer.donorRun !== undefined && r.transfer.layersTransferred > 0) fromEarlierRuns[r.transfer.donorRun] = (fromEarlierRuns[r.transfer.donorRun] ?? 0) + 1;
    if (r.transfer.layersTransferred > 0 && (r.transfer.paramsTotal ?? 0) > 0) fractions.push(r.transfer.paramsTransferred! / r.transfer.paramsTotal!);
    trainSeconds += r.trainSeconds;
    evaluationSeconds += r.totalSeconds;
    layersTransferred += r.transfer.layersTransferred;
    bytesFetched += r.transfer.bytesFetched;
    fetchSeconds += r.transfer.fetchSeconds;
    if (r.transfer.layersTransferred > 0) hits++;
    sources[r.transfer.source in sources ? r.transfer.source : 'none']++;
  }
  const best = scored.reduce<(typeof scored)[number] | undefined>((b, r) => (b === undefined || r.score > b.score ? r : b), undefined);
  return {
    label: run.label,
    evaluations: ev.length + run.failures.length,
    failed: ev.length - scored.length + run.failures.length,
    failures: run.failures.map(({ id, choices, attempts, error }) => ({ id, choices, attempts, error })).sort((a, b) => a.id - b.id),
    ...(scored.length > 0 ? { score: summarize(scored.map((r) => r.score)) } : {}),
    ...(best ? { best: { id: best.id, score: best.score, choices: best.choices } } : {}),
    wallSeconds: [...ev, ...run.failures].reduce((m, r) => Math.max(m, r.finishedAt), 0),
    trainSeconds,
    evaluationSeconds,
    actors: new Set(ev.map(actorKey)).size,
    repeats,
    transfer: {
      rules: [...rules].sort(),
      hitRate: ev.length > repeats ? hits / (ev.length - repeats) : 0,
      meanFraction: fractions.length > 0 ? mean(fractions) : NaN,
      fromEarlierRuns,
      layersTransferred,
      bytesFetched,
      fetchSeconds,
      fetchShare: evaluationSeconds > 0 ? fetchSeconds / evaluationSeconds : 0,
      sources,
    },
    topk: summarizeTopK(run.topk),
  };
}

/** Pairs each top-K model's checkpoint and scratch trainings (the last record of each wins). */
export function summarizeTopK(records: readonly TopKRecord[]): TopKSummary {
  const byId = new Map<number, { checkpoint?: TopKRecord; scratch?: TopKRecord }>();
  for (const r of records) {
    const entry = byId.get(r.id) ?? {};
    entry[r.start] = r;
    byId.set(r.id, entry);
  }
  const pairs: TopKPair[] = [];
  for (const [id, { checkpoint, scratch }] of [...byId].sort((a, b) => a[0] - b[0])) {
    if (!checkpoint || !scratch) continue;
    pairs.push({
      id,
      checkpoint,
      scratch,
      epochRatio: scratch.epochs / checkpoint.epochs,
      timeRatio: scratch.seconds / checkpoint.seconds,
    });
  }
  const finite = (xs: number[]) => xs.filter(Number.isFinite);
  const epochRatios = finite(pairs.map((p) => p.epochRatio));
  const timeRatios = finite(pairs.map((p) => p.timeRatio));
  return {
    pairs,
    meanEpochRatio: epochRatios.length > 0 ? mean(epochRatios) : NaN,
    meanTimeRatio: timeRatios.length > 0 ? mean(timeRatios) : NaN,
  };
}

/** Compares the scores of `run` with those of `baseline`; undefined when either has none. */
export function compareRuns(run: Run, baseline: Run): RunComparison | undefined {
  const a = run.evaluations.filter(hasScore).map((r) => r.score);
  const b = baseline.evaluations.filter(hasScore).map((r) => r.score);
  if (a.length === 0 || b.length === 0) return undefined;
  const sa = summarize(a);
  const sb = summarize(b);
  return {
    label: run.label,
    baseline: baseline.label,
    meanGain: sa.mean - sb.mean,
    medianGain: sa.median - sb.median,
    test: mannWhitneyU(a, b),
  };
}

/** How an evaluation names the actor that ran it, unique across ranks. */
export function actorKey(r: { rank: number; actor: string }): string {
  return `rank ${r.rank} · ${r.actor}`;
}
