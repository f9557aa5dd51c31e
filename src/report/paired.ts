// report/paired.ts: the paired measurement of transfer: each candidate that has a scratch twin
// (`pair` record: same architecture, seed, data order and budget, trained from its own
// initialisation) against that twin. The gain is the candidate's score minus the twin's; the
// summary tests the gains (Wilcoxon signed-rank), gives the median gain a bootstrap interval
// and breaks the gains down by the share of parameters transferred. Knows records, not HTML.

import { bootstrapInterval, type BootstrapOptions } from './bootstrap.js';
import { hasScore, type Run } from './journal.js';
import { median, type Interval } from './statistics.js';
import { meanDifferenceInterval } from './student-t.js';
import { wilcoxonSignedRank, type WilcoxonResult } from './wilcoxon.js';

export interface PairedRow {
  /** The candidate's id. */
  id: number;
  /** The candidate's score (with its transferred layers) and its twin's; NaN where a training recorded none. */
  transferred: number;
  scratch: number;
  /** transferred − scratch. */
  gain: number;
  /** paramsTransferred / paramsTotal; NaN when the record does not say. */
  fraction: number;
  /** The evaluation repeats an earlier architecture (a cached result, not a training of its own). */
  repeat: boolean;
}

export interface FractionBin {
  /** The bin as an interval of the fraction of parameters transferred: '0', '(0, 1/3]', …, 'unknown'. */
  label: string;
  n: number;
  /** NaN for an empty bin. */
  medianGain: number;
  /** Share of the bin's pairs whose gain is positive. */
  helpedShare: number;
}

export interface PairSummary {
  /** Pairs of new architectures with a score on both sides: the pairs every figure below uses. */
  n: number;
  /** Pairs of new architectures where either training recorded no score. */
  unscored: number;
  /** Pairs whose evaluation repeats an earlier architecture, counted apart and not tested. */
  repeats: number;
  /** Two-sided test of the gains against zero; undefined without pairs. */
  wilcoxon?: WilcoxonResult;
  /** Median gain with its percentile bootstrap interval (NaN without pairs). */
  medianGain: Interval;
  /** Mean gain with its t interval (bounds NaN with fewer than two pairs). */
  meanGain: Interval;
  /** Shares of the pairs whose gain is positive, and negative. */
  helpedShare: number;
  hurtShare: number;
  /** The pairs by fraction of parameters transferred; only bins holding pairs, in order. */
  byFraction: FractionBin[];
}

/** One row per evaluation that has a scratch twin, in order of candidate id. */
export function pairedRows(run: Run): PairedRow[] {
  const byId = new Map(run.evaluations.map((r) => [r.id, r]));
  const rows: PairedRow[] = [];
  for (const pair of run.pairs) {
    const r = byId.get(pair.id);
    if (r === undefined) continue;
    const transferred = hasScore(r) ? r.score : NaN;
    const scratch = hasScore(pair) ? pair.score : NaN;
    const { paramsTransferred, paramsTotal } = r.transfer;
    rows.push({
      id: r.id,
      transferred,
      scratch,
      gain: roundGain(transferred - scratch),
      fraction: paramsTransferred !== undefined && paramsTotal !== undefined && paramsTotal > 0 ? paramsTransferred / paramsTotal : NaN,
      repeat: r.repeatOf !== undefined,
    });
  }
  return rows;
}

/** Summarises the pairs of new architectures; `options` seed the bootstrap of the median gain. */
export function summarizePairs(rows: readonly PairedRow[], options: BootstrapOptions = {}): PairSummary {
  const fresh = rows.filter((r) => !r.repeat);
  const scored = fresh.filter((r) => Number.isFinite(r.gain));
  const gains = scored.map((r) => r.gain);
  const unknown: Interval = { estimate: NaN, low: NaN, high: NaN, level: options.level ?? 0.95 };
  return {
    n: scored.length,
    unscored: fresh.length - scored.length,
    repeats: rows.length - fresh.length,
    ...(gains.length > 0 ? { wilcoxon: wilcoxonSignedRank(gains) } : {}),
    medianGain: gains.length > 0 ? bootstrapInterval(gains, median, options) : unknown,
    meanGain: gains.length > 0 ? meanDifferenceInterval(scored.map((r) => r.transferred), scored.map((r) => r.scratch), { level: unknown.level }) : unknown,
    helpedShare: share(gains, (g) => g > 0),
    hurtShare: share(gains, (g) => g < 0),
    byFraction: kBins
      .map(({ label, holds }) => {
        const bin = scored.filter((r) => holds(r.fraction)).map((r) => r.gain);
        return { label, n: bin.length, medianGain: bin.length > 0 ? median(bin) : NaN, helpedShare: share(bin, (g) => g > 0) };
      })
      .filter((b) => b.n > 0),
  };
}

const kBins: readonly { label: string; holds: (fraction: number) => boolean }[] = [
  { label: '0', holds: (f) => f === 0 },
  { label: '(0, 1/3]', holds: (f) => f > 0 && f <= 1 / 3 },
  { label: '(1/3, 2/3]', holds: (f) => f > 1 / 3 && f <= 2 / 3 },
  { label: '(2/3, 1]', holds: (f) => f > 2 / 3 },
  { label: 'unknown', holds: (f) => Number.isNaN(f) },
];

function share(values: readonly number[], test: (x: number) => boolean): number {
  return values.length > 0 ? values.filter(test).length / values.length : NaN;
}

/**
 * Scores are decimals stored in binary, so the same gain computed from two pairs of scores can
 * differ in its last bits (0.9091 − 0.9 ≠ 0.8091 − 0.8) and break ties the ranks should see.
 * Twelve significant digits keep every real difference and merge those.
 */
function roundGain(gain: number): number {
  return Number.isFinite(gain) ? Number(gain.toPrecision(12)) : gain;
}
