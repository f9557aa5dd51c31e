// report/wilcoxon.ts: the Wilcoxon signed-rank test of paired differences (is their
// distribution symmetric about zero?), exact or by the normal approximation, with the zero and
// tie handling of scipy.stats.wilcoxon. Pure function over a number array; knows nothing of runs.

import { StatisticsError } from './errors.js';
import { normalSf } from './normal.js';
import { midRanks, requireSample } from './statistics.js';

export type WilcoxonMethod = 'exact' | 'asymptotic';

/**
 * What becomes of zero differences: 'wilcox' drops them before ranking; 'pratt' ranks them
 * with the others (so they push the non-zero ranks up) and then drops their ranks, with the
 * null mean and variance corrected for the missing ranks (Cureton 1967).
 */
export type WilcoxonZeroMethod = 'wilcox' | 'pratt';

export interface WilcoxonOptions {
  /** Default 'wilcox'. */
  zeroMethod?: WilcoxonZeroMethod;
  /**
   * 'exact' counts the null distribution of W+ (only without ties or zeros); 'asymptotic' uses
   * the normal approximation with the tie correction of the variance. 'auto' (default) is
   * exact for at most 50 differences without ties or zeros, as in scipy 1.10, otherwise
   * asymptotic. (scipy 1.10 also took the exact path for tied differences, truncating the
   * statistic to an integer; later versions stopped doing so, and so does this.)
   */
  method?: WilcoxonMethod | 'auto';
  /** Continuity correction of the normal approximation (half a rank towards the mean); default false, as scipy. */
  correction?: boolean;
}

export interface WilcoxonResult {
  /** Non-zero differences, whose ranks enter W+ and W−. */
  n: number;
  /** Zero differences. */
  zeros: number;
  /** Sums of the ranks of |difference| over the positive and the negative differences. */
  wPlus: number;
  wMinus: number;
  /** min(W+, W−), scipy's two-sided statistic. */
  statistic: number;
  /** Two-sided p-value; 1 when every difference is zero. */
  p: number;
  method: WilcoxonMethod;
  /** Normal score of the statistic, ≤ 0 (asymptotic method only). */
  z?: number;
}

const kExactMaxN = 50;
const kZeroMethods = new Set(['wilcox', 'pratt']);
const kMethods = new Set(['auto', 'exact', 'asymptotic']);

/** Two-sided Wilcoxon signed-rank test of the differences against a distribution symmetric about zero. */
export function wilcoxonSignedRank(differences: readonly number[], options: WilcoxonOptions = {}): WilcoxonResult {
  requireSample(differences, 'wilcoxonSignedRank');
  const zeroMethod = options.zeroMethod ?? 'wilcox';
  const requested = options.method ?? 'auto';
  const correction = options.correction ?? false;
  if (!kZeroMethods.has(zeroMethod)) throw new StatisticsError(`wilcoxonSignedRank: zeroMethod must be 'wilcox' or 'pratt', got ${String(zeroMethod)}`, { details: { zeroMethod } });
  if (!kMethods.has(requested)) throw new StatisticsError(`wilcoxonSignedRank: method must be 'auto', 'exact' or 'asymptotic', got ${String(requested)}`, { details: { method: requested } });

  const ranked = zeroMethod === 'pratt' ? differences : differences.filter((d) => d !== 0);
  const { ranks, tieTerm: rankedTieTerm } = midRanks(ranked.map(Math.abs));
  const zeros = differences.filter((d) => d === 0).length;
  const n = differences.length - zeros;
  // Under 'pratt' the zeros are one tied group of the ranking, but their ranks leave the
  // statistic, so their share of the tie term leaves the variance too.
  const zerosRanked = zeroMethod === 'pratt' ? zeros : 0;
  const tieTerm = rankedTieTerm - (zerosRanked ** 3 - zerosRanked);
  let wPlus = 0;
  let wMinus = 0;
  ranked.forEach((d, i) => {
    if (d > 0) wPlus += ranks[i]!;
    else if (d < 0) wMinus += ranks[i]!;
  });
  const statistic = Math.min(wPlus, wMinus);

  if (requested === 'exact' && (zeros > 0 || tieTerm > 0)) {
    throw new StatisticsError('wilcoxonSignedRank: the exact method needs differences without zeros or ties', { details: { zeros, n } });
  }
  const base = { n, zeros, wPlus, wMinus, statistic };
  if (n === 0) return { ...base, p: 1, method: 'asymptotic', z: 0 };
  if (requested === 'exact' || (requested === 'auto' && zeros === 0 && tieTerm === 0 && n <= kExactMaxN)) {
    return { ...base, p: Math.min(1, 2 * exactLowerTail(statistic, n)), method: 'exact' };
  }

  // Ranks 1..N of which the zeros took 1..zerosRanked: the null mean and variance of W+ are
  // those of the remaining ranks, each in W+ with probability 1/2.
  const all = n + zerosRanked;
  const mu = (all * (all + 1) - zerosRanked * (zerosRanked + 1)) / 4;
  const variance = (all * (all + 1) * (2 * all + 1) - zerosRanked * (zerosRanked + 1) * (2 * zerosRanked + 1) - tieTerm / 2) / 24;
  const shift = correction ? 0.5 * Math.sign(statistic - mu) : 0;
  const z = (statistic - mu - shift) / Math.sqrt(variance);
  return { ...base, p: Math.min(1, 2 * normalSf(Math.abs(z))), method: 'asymptotic', z };
}

/**
 * P(W+ ≤ w) under the null hypothesis for n distinct non-zero ranks: each rank k joins W+ with
 * probability 1/2, so the number of subsets of {1..n} summing to s counts the ways W+ = s. The
 * counts come from adding the ranks one at a time (count'[s] = count[s] + count[s − k]); they
 * stay exact integers in doubles up to n = 53, past the auto limit of 50.
 */
function exactLowerTail(w: number, n: number): number {
  const max = (n * (n + 1)) / 2;
  const count = new Float64Array(max + 1);
  count[0] = 1;
  for (let k = 1; k <= n; k++) {
    for (let s = (k * (k + 1)) / 2; s >= k; s--) count[s] = count[s]! + count[s - k]!;
  }
  let tail = 0;
  for (let s = 0; s <= Math.floor(w); s++) tail += count[s]!;
  return tail / 2 ** n;
}
