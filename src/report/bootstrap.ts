// report/bootstrap.ts: the percentile bootstrap interval of any statistic of a sample, seeded so
// that the same sample and seed give the same interval in every report. Pure function; knows
// nothing of runs.

import { seededRandom } from '../util/index.js';
import { StatisticsError } from './errors.js';
import { quantile, requireSample, type Interval } from './statistics.js';

export interface BootstrapOptions {
  /** Resamples drawn, a whole number ≥ 1; default 10000. */
  resamples?: number;
  /** Confidence level, in (0, 1); default 0.95. */
  level?: number;
  /** Seed of the resampling; default 1. */
  seed?: number;
}

const kDefaults: Required<BootstrapOptions> = { resamples: 10000, level: 0.95, seed: 1 };

/**
 * The statistic of the sample, and the (1 − level)/2 and (1 + level)/2 quantiles of the statistic
 * over `resamples` samples drawn from it with replacement (Efron's percentile interval). Simple
 * and transformation-respecting; for small samples it runs somewhat narrow, so read it as a
 * guide to the spread, not an exact coverage guarantee.
 */
export function bootstrapInterval(values: readonly number[], statistic: (xs: number[]) => number, options: BootstrapOptions = {}): Interval {
  requireSample(values, 'bootstrapInterval');
  const resamples = options.resamples ?? kDefaults.resamples;
  const level = options.level ?? kDefaults.level;
  const seed = options.seed ?? kDefaults.seed;
  if (!(Number.isInteger(resamples) && resamples >= 1)) throw new StatisticsError(`bootstrapInterval: resamples must be a whole number ≥ 1, got ${resamples}`, { details: { resamples } });
  if (!(level > 0 && level < 1)) throw new StatisticsError(`bootstrapInterval: level must be in (0, 1), got ${level}`, { details: { level } });
  if (!Number.isFinite(seed)) throw new StatisticsError(`bootstrapInterval: seed must be a finite number, got ${seed}`, { details: { seed } });
  const estimate = checked(statistic([...values]));
  const random = seededRandom(seed);
  const n = values.length;
  const draws = new Array<number>(resamples);
  const xs = new Array<number>(n);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) xs[i] = values[Math.floor(random() * n)]!;
    draws[r] = checked(statistic(xs));
  }
  return { estimate, low: quantile(draws, (1 - level) / 2), high: quantile(draws, (1 + level) / 2), level };
}

function checked(x: number): number {
  if (!Number.isFinite(x)) throw new StatisticsError(`bootstrapInterval: the statistic gave a non-finite value (${x})`);
  return x;
}
