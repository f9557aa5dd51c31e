// report/statistics.ts: descriptive statistics of a sample of scores (mean, median, quartiles)
// and the Mann–Whitney U test of two samples, with the mid-ranks and sample checks the other
// rank tests share. Pure functions over number arrays; knows nothing of runs, records or plots.

import { StatisticsError } from './errors.js';
import { normalSf } from './normal.js';

export interface Summary {
  n: number;
  mean: number;
  /** Sample standard deviation (n − 1 in the denominator); 0 for a single value. */
  sd: number;
  min: number;
  q1: number;
  median: number;
  q3: number;
  max: number;
}

/** A point estimate with a two-sided confidence interval. */
export interface Interval {
  estimate: number;
  low: number;
  high: number;
  /** Confidence level of [low, high], e.g. 0.95. */
  level: number;
}

export function mean(values: readonly number[]): number {
  requireSample(values, 'mean');
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/**
 * The q-quantile by linear interpolation between order statistics (Hyndman & Fan type 7, the
 * default of R, numpy and spreadsheets), so figures match what readers recompute elsewhere.
 */
export function quantile(values: readonly number[], q: number): number {
  requireSample(values, 'quantile');
  if (!(q >= 0 && q <= 1)) throw new StatisticsError(`quantile: q must be in [0, 1], got ${q}`, { details: { q } });
  return quantileSorted(sorted(values), q);
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

export function summarize(values: readonly number[]): Summary {
  requireSample(values, 'summarize');
  const s = sorted(values);
  const m = mean(s);
  let ss = 0;
  for (const v of s) ss += (v - m) * (v - m);
  return {
    n: s.length,
    mean: m,
    sd: s.length > 1 ? Math.sqrt(ss / (s.length - 1)) : 0,
    min: s[0]!,
    q1: quantileSorted(s, 0.25),
    median: quantileSorted(s, 0.5),
    q3: quantileSorted(s, 0.75),
    max: s[s.length - 1]!,
  };
}

export type MannWhitneyMethod = 'exact' | 'asymptotic';

export interface MannWhitneyOptions {
  /**
   * 'exact' counts the null distribution of U (only without ties); 'asymptotic' uses the normal
   * approximation with tie and continuity corrections; 'auto' (default) picks exact when the
   * smaller sample has at most 8 values and nothing is tied, as scipy does.
   */
  method?: MannWhitneyMethod | 'auto';
}

export interface MannWhitneyResult {
  /** U of the first sample: the number of pairs (x, y) with x > y, ties counting one half. */
  u: number;
  /** U of the second sample; u + uOther = nx · ny. */
  uOther: number;
  /** Two-sided p-value. */
  p: number;
  method: MannWhitneyMethod;
  /** u / (nx · ny): the probability that a random x beats a random y (ties count half). */
  effect: number;
  /** Normal score of U with continuity correction (asymptotic method only). */
  z?: number;
}

/**
 * Two-sided Mann–Whitney U test: do values of x tend to be larger or smaller than values of y?
 * U is computed from mid-ranks of the pooled sample, so ties count one half.
 */
export function mannWhitneyU(x: readonly number[], y: readonly number[], options: MannWhitneyOptions = {}): MannWhitneyResult {
  requireSample(x, 'mannWhitneyU (first sample)');
  requireSample(y, 'mannWhitneyU (second sample)');
  const nx = x.length;
  const ny = y.length;
  const { ranks, tieTerm } = midRanks([...x, ...y]);
  let rankSumX = 0;
  for (let i = 0; i < nx; i++) rankSumX += ranks[i]!;
  const u = rankSumX - (nx * (nx + 1)) / 2;
  const uOther = nx * ny - u;
  const effect = u / (nx * ny);
  const method = options.method ?? 'auto';
  if (method === 'exact' && tieTerm > 0) {
    throw new StatisticsError('mannWhitneyU: the exact method needs samples without ties', { details: { nx, ny } });
  }
  const exact = method === 'exact' || (method === 'auto' && tieTerm === 0 && Math.min(nx, ny) <= 8 && exactFits(nx, ny));
  const uMax = Math.max(u, uOther);
  if (exact) {
    return { u, uOther, p: Math.min(1, 2 * exactUpperTail(uMax, nx, ny)), method: 'exact', effect };
  }
  const n = nx + ny;
  const mu = (nx * ny) / 2;
  const variance = ((nx * ny) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (variance <= 0) return { u, uOther, p: 1, method: 'asymptotic', effect, z: 0 }; // every value tied
  const z = (uMax - mu - 0.5) / Math.sqrt(variance);
  return { u, uOther, p: Math.min(1, 2 * normalSf(z)), method: 'asymptotic', effect, z };
}

export interface StratifiedResult {
  /** Normal score of the weighted rank sums; positive when x tends to be larger. */
  z: number;
  /** Two-sided p-value. */
  p: number;
  /** Strata that entered the test (those with values on both sides). */
  strata: number;
}

/**
 * Van Elteren's stratified Wilcoxon–Mann–Whitney test: one two-sided test of x against y over
 * several strata (here: spaces and seeds, each a matched pair of searches), without pooling
 * values whose scales differ between strata. Each stratum's rank sum of x, centred on its
 * null mean, is weighted by 1 / (N + 1) (locally most powerful for a shift); variances carry
 * the tie correction. No continuity correction: the sum is not on an integer lattice.
 */
export function vanElteren(strata: readonly { x: readonly number[]; y: readonly number[] }[]): StratifiedResult {
  let num = 0;
  let variance = 0;
  let used = 0;
  for (const { x, y } of strata) {
    if (x.length === 0 || y.length === 0) continue;
    requireSample(x, 'vanElteren');
    requireSample(y, 'vanElteren');
    const nx = x.length;
    const ny = y.length;
    const n = nx + ny;
    const { ranks, tieTerm } = midRanks([...x, ...y]);
    let w = 0;
    for (let i = 0; i < nx; i++) w += ranks[i]!;
    const weight = 1 / (n + 1);
    num += weight * (w - (nx * (n + 1)) / 2);
    variance += weight * weight * ((nx * ny) / 12) * (n + 1 - (n > 1 ? tieTerm / (n * (n - 1)) : 0));
    used++;
  }
  if (used === 0) throw new StatisticsError('vanElteren: no stratum has values on both sides');
  if (variance <= 0) return { z: 0, p: 1, strata: used };
  const z = num / Math.sqrt(variance);
  return { z, p: Math.min(1, 2 * normalSf(Math.abs(z))), strata: used };
}

/** Mid-ranks (1-based) of the values, and Σ(t³ − t) over groups of t tied values. */
export function midRanks(values: readonly number[]): { ranks: number[]; tieTerm: number } {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const ranks = new Array<number>(values.length);
  let tieTerm = 0;
  for (let start = 0; start < order.length; ) {
    let end = start + 1;
    while (end < order.length && order[end]![0] === order[start]![0]) end++;
    const rank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) ranks[order[k]![1]] = rank;
    const t = end - start;
    tieTerm += t * t * t - t;
    start = end;
  }
  return { ranks, tieTerm };
}

/** The exact counts stay exact integers in doubles while C(nx + ny, nx) < 2^53. */
function exactFits(nx: number, ny: number): boolean {
  return binomial(nx + ny, Math.min(nx, ny)) < Number.MAX_SAFE_INTEGER;
}

function binomial(n: number, k: number): number {
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
  return c;
}

/**
 * P(U ≥ u) under the null hypothesis. The number of arrangements with U = k is the coefficient
 * of q^k in the Gaussian binomial [nx + ny choose m]_q = Π_{i=1..m} (1 − q^(n+i)) / (1 − q^i),
 * with m = min(nx, ny) and n = max: multiply by each numerator factor, divide by each
 * denominator factor (a running sum), and every step stays a polynomial with integer
 * coefficients.
 */
function exactUpperTail(u: number, nx: number, ny: number): number {
  const m = Math.min(nx, ny);
  const n = Math.max(nx, ny);
  const size = m * n + 1;
  let poly = new Float64Array(size);
  poly[0] = 1;
  for (let i = 1; i <= m; i++) {
    const shift = n + i;
    const next = new Float64Array(size);
    for (let k = 0; k < size; k++) next[k] = poly[k]! - (k >= shift ? poly[k - shift]! : 0);
    for (let k = i; k < size; k++) next[k] = next[k]! + next[k - i]!;
    poly = next;
  }
  let total = 0;
  let tail = 0;
  for (let k = 0; k < size; k++) {
    total += poly[k]!;
    if (k >= u) tail += poly[k]!;
  }
  return tail / total;
}

function sorted(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

function quantileSorted(s: readonly number[], q: number): number {
  const h = (s.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, s.length - 1);
  return s[lo]! + (h - lo) * (s[hi]! - s[lo]!);
}

export function requireSample(values: readonly number[], what: string): void {
  if (values.length === 0) throw new StatisticsError(`${what}: the sample is empty`);
  for (const v of values) {
    if (!Number.isFinite(v)) throw new StatisticsError(`${what}: the sample holds a non-finite value (${v})`);
  }
}
