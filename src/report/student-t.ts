// report/student-t.ts: Student's t distribution for whole degrees of freedom (CDF and quantile)
// and the t interval of a paired mean difference built on it. Pure functions; knows nothing of
// runs.

import { StatisticsError } from './errors.js';
import { requireSample, summarize, type Interval } from './statistics.js';

/**
 * P(T ≤ t) for Student's t with `df` degrees of freedom. For whole df the CDF has a finite
 * series in θ = atan(t / √df) (Abramowitz & Stegun 26.7.3–4), of df / 2 positive terms, so it
 * needs neither the gamma function nor an incomplete beta and loses nothing to cancellation.
 */
export function studentTCdf(t: number, df: number): number {
  requireDf(df, 'studentTCdf');
  if (Number.isNaN(t)) return NaN;
  return 0.5 + centralProbability(Math.atan(t / Math.sqrt(df)), df) / 2;
}

/** The p-quantile of Student's t with `df` degrees of freedom; ±Infinity at p = 0 or 1. */
export function studentTQuantile(p: number, df: number): number {
  requireDf(df, 'studentTQuantile');
  if (!(p >= 0 && p <= 1)) throw new StatisticsError(`studentTQuantile: p must be in [0, 1], got ${p}`, { details: { p } });
  if (p === 0.5) return 0;
  // Solve in the upper half, where 2p − 1 carries p's precision, and mirror for the lower.
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  if (p === 1) return Infinity;
  // A(θ) rises from 0 at θ = 0 to 1 at θ = π/2: bisect on θ until the bracket stops shrinking.
  const want = 2 * p - 1;
  let lo = 0;
  let hi = Math.PI / 2;
  for (;;) {
    const mid = (lo + hi) / 2;
    if (mid <= lo || mid >= hi) break;
    if (centralProbability(mid, df) < want) lo = mid;
    else hi = mid;
  }
  return Math.sqrt(df) * Math.tan((lo + hi) / 2);
}

/**
 * A(θ) = P(|T| ≤ √df · tan θ), signed with θ. Odd df: (2/π)(θ + sin θ (cos θ + (2/3) cos³ θ +
 * … + (2·4···(df−3))/(3·5···(df−2)) cos^(df−2) θ)); even df: sin θ (1 + (1/2) cos² θ + … +
 * (1·3···(df−3))/(2·4···(df−2)) cos^(df−2) θ).
 */
function centralProbability(theta: number, df: number): number {
  const s = Math.sin(theta);
  const c = Math.cos(theta);
  const c2 = c * c;
  if (df % 2 === 1) {
    let sum = 0;
    let term = c;
    for (let k = 3; k <= df; k += 2) {
      sum += term;
      term *= (c2 * (k - 1)) / k;
    }
    return (2 / Math.PI) * (theta + s * sum);
  }
  let sum = 0;
  let term = 1;
  for (let k = 2; k <= df; k += 2) {
    sum += term;
    term *= (c2 * (k - 1)) / k;
  }
  return s * sum;
}

function requireDf(df: number, what: string): void {
  if (!(Number.isInteger(df) && df >= 1)) throw new StatisticsError(`${what}: df must be a whole number ≥ 1, got ${df}`, { details: { df } });
}

export interface MeanDifferenceOptions {
  /** Confidence level, in (0, 1); default 0.95. */
  level?: number;
}

/**
 * The mean of a − b over paired values and its t interval: mean ± t(1 − (1 − level)/2, n − 1) ·
 * sd / √n. With a single pair the interval is unknown (low and high NaN).
 */
export function meanDifferenceInterval(a: readonly number[], b: readonly number[], options: MeanDifferenceOptions = {}): Interval {
  requireSample(a, 'meanDifferenceInterval (first sample)');
  requireSample(b, 'meanDifferenceInterval (second sample)');
  if (a.length !== b.length) throw new StatisticsError(`meanDifferenceInterval: paired samples must have the same length, got ${a.length} and ${b.length}`, { details: { a: a.length, b: b.length } });
  const level = options.level ?? 0.95;
  if (!(level > 0 && level < 1)) throw new StatisticsError(`meanDifferenceInterval: level must be in (0, 1), got ${level}`, { details: { level } });
  const { n, mean, sd } = summarize(a.map((x, i) => x - b[i]!));
  if (n === 1) return { estimate: mean, low: NaN, high: NaN, level };
  const half = studentTQuantile(1 - (1 - level) / 2, n - 1) * (sd / Math.sqrt(n));
  return { estimate: mean, low: mean - half, high: mean + half, level };
}
