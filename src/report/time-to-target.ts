// report/time-to-target.ts: how soon each search mode reaches what the baseline mode ends with.
// The target is the median over the baseline's seeds of their final best score; each run's time
// to target is when the first evaluation that lifts its best so far to the target finished; a
// mode's time is the median over its seeds, and its speedup the baseline's time over its own.
// Also the median best so far over seeds against wall time, for plotting. Knows runs, not HTML.

import { bestAt, bestSoFar } from './curves.js';
import { StatisticsError } from './errors.js';
import { hasScore, type Run } from './journal.js';

export interface ModeTimeToTarget {
  /** Runs (seeds) of the mode. */
  runs: number;
  /** Each run's time to target in seconds since its search started; Infinity where it never got there. */
  times: number[];
  /** Runs that reached the target. */
  reached: number;
  /** Median of `times` over seeds (Infinity when at least half never got there). */
  median: number;
  /** Baseline median / this mode's median: above 1, faster than the baseline (0 when only this mode's median is Infinity). */
  speedup: number;
}

export interface TimeToTarget {
  baseline: string;
  /** Median over the baseline's runs of their final best score. */
  target: number;
  /** Per mode, in the order given. */
  modes: Record<string, ModeTimeToTarget>;
}

/**
 * Times to the baseline's target for runs grouped by mode (one run per seed). Throws
 * StatisticsError when `baseline` names no group or none of its runs has a score.
 */
export function timeToTarget(groups: Readonly<Record<string, readonly Run[]>>, baseline: string): TimeToTarget {
  const base = groups[baseline];
  if (base === undefined) throw new StatisticsError(`timeToTarget: no runs for the baseline mode '${baseline}'`, { details: { baseline } });
  const finals = base.map(finalBest).filter((v) => v > -Infinity);
  if (finals.length === 0) throw new StatisticsError(`timeToTarget: no run of the baseline mode '${baseline}' has a score`, { details: { baseline } });
  const target = medianOf(finals);
  const times: Record<string, number[]> = {};
  for (const [mode, runs] of Object.entries(groups)) times[mode] = runs.map((run) => runTimeToTarget(run, target));
  const baseMedian = medianOf(times[baseline]!);
  const modes: Record<string, ModeTimeToTarget> = {};
  for (const [mode, t] of Object.entries(times)) {
    const m = t.length > 0 ? medianOf(t) : NaN;
    modes[mode] = { runs: t.length, times: t, reached: t.filter(Number.isFinite).length, median: m, speedup: baseMedian / m };
  }
  return { baseline, target, modes };
}

/** When the run's best score so far first reached `target` (seconds since its start), or Infinity. */
export function runTimeToTarget(run: Run, target: number): number {
  return bestSoFar(run.evaluations).find((p) => p.value >= target)?.seconds ?? Infinity;
}

export interface TimePoint {
  seconds: number;
  value: number;
}

/**
 * The median over runs of the best score so far at each time of `grid` (seconds since each
 * search started). A run without a score yet counts as below every score; grid times where
 * that leaves the median undefined (at least half the runs without a score) are left out.
 */
export function medianBestSoFar(runs: readonly Run[], grid: readonly number[]): TimePoint[] {
  if (runs.length === 0) return [];
  const curves = runs.map((run) => bestSoFar(run.evaluations));
  const points: TimePoint[] = [];
  for (const seconds of grid) {
    const value = medianOf(curves.map((c) => bestAt(c, seconds) ?? -Infinity));
    if (Number.isFinite(value)) points.push({ seconds, value });
  }
  return points;
}

function finalBest(run: Run): number {
  return run.evaluations.filter(hasScore).reduce((best, r) => Math.max(best, r.score), -Infinity);
}

/**
 * Median of a non-empty sample that may hold ±Infinity (a run that never reached the target, or
 * has no score yet): the mean of the two middle order statistics, which is infinite when either is.
 */
function medianOf(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return (s[Math.floor((s.length - 1) / 2)]! + s[Math.ceil((s.length - 1) / 2)]!) / 2;
}
