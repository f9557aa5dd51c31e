// report/curves.ts: series derived from a run's evaluations in order of completion: the best
// score so far (against wall time and against the number of evaluations done) and the running
// transfer hit rate. Pure functions; knows nothing of plotting.

import type { EvaluationRecord } from '../nas/run/index.js';
import { hasScore } from './journal.js';

export interface CurvePoint {
  /** Evaluations finished so far, counting this one (1, 2, …). */
  evaluation: number;
  /** Seconds since the search started, when this evaluation finished. */
  seconds: number;
  value: number;
}

/**
 * The best score reached after each finished evaluation. Evaluations without a score advance the
 * count but not the best; points start at the first scored evaluation.
 */
export function bestSoFar(evaluations: readonly EvaluationRecord[]): CurvePoint[] {
  const points: CurvePoint[] = [];
  let best = -Infinity;
  byCompletion(evaluations).forEach((r, i) => {
    if (hasScore(r) && r.score > best) best = r.score;
    if (best > -Infinity) points.push({ evaluation: i + 1, seconds: r.finishedAt, value: best });
  });
  return points;
}

/** Fraction of the evaluations finished so far that received any transferred layer. */
export function transferHitRate(evaluations: readonly EvaluationRecord[]): CurvePoint[] {
  let hits = 0;
  return byCompletion(evaluations).map((r, i) => {
    if (r.transfer.layersTransferred > 0) hits++;
    return { evaluation: i + 1, seconds: r.finishedAt, value: hits / (i + 1) };
  });
}

/** The best score reached by `seconds` into the search, or undefined before the first score. */
export function bestAt(curve: readonly CurvePoint[], seconds: number): number | undefined {
  let value: number | undefined;
  for (const p of curve) {
    if (p.seconds > seconds) break;
    value = p.value;
  }
  return value;
}

function byCompletion(evaluations: readonly EvaluationRecord[]): EvaluationRecord[] {
  return [...evaluations].sort((a, b) => a.finishedAt - b.finishedAt || a.id - b.id);
}
