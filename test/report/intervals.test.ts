// test/report/intervals.test.ts: the percentile bootstrap interval (seeded, so deterministic)
// and Student's t distribution with the t interval of a paired mean difference, against
// scipy.stats.t and scipy.stats.ttest_rel (scipy 1.17.1; the call beside each value).

import { expect } from 'chai';
import { bootstrapInterval, mean, meanDifferenceInterval, median, StatisticsError, studentTCdf, studentTQuantile } from 'graft/report';
import { seededRandom } from 'graft/util';

function close(actual: number, expected: number, rel: number): void {
  expect(Math.abs(actual - expected), `${actual} vs ${expected}`).to.be.at.most(rel * Math.abs(expected));
}

function sample(n: number, seed: number): number[] {
  const random = seededRandom(seed);
  return Array.from({ length: n }, () => random() + random() + random());
}

describe('bootstrapInterval()', () => {
  const xs = sample(40, 7);

  it('is deterministic for a seed and changes with it', () => {
    const a = bootstrapInterval(xs, median, { seed: 3, resamples: 2000 });
    const b = bootstrapInterval(xs, median, { seed: 3, resamples: 2000 });
    const c = bootstrapInterval(xs, median, { seed: 4, resamples: 2000 });
    expect(b).to.deep.equal(a);
    expect([c.low, c.high]).to.not.deep.equal([a.low, a.high]);
    expect(bootstrapInterval(xs, median)).to.deep.equal(bootstrapInterval(xs, median, { seed: 1, resamples: 10000, level: 0.95 }));
  });

  it('gives the statistic of the sample and an interval around it', () => {
    for (const statistic of [mean, median]) {
      const r = bootstrapInterval(xs, statistic, { resamples: 2000 });
      expect(r.estimate).to.equal(statistic(xs));
      expect(r.level).to.equal(0.95);
      expect(r.low).to.be.below(r.estimate);
      expect(r.high).to.be.above(r.estimate);
    }
  });

  it('narrows as the sample grows, and widens with the level', () => {
    const width = (n: number) => {
      const r = bootstrapInterval(sample(n, 11), mean, { resamples: 2000 });
      return r.high - r.low;
    };
    const w20 = width(20);
    const w320 = width(320);
    expect(w320).to.be.below(w20 / 2); // width ~ 1/√n: sixteen times the values, a quarter of the width
    const r90 = bootstrapInterval(xs, mean, { level: 0.9, resamples: 2000 });
    const r99 = bootstrapInterval(xs, mean, { level: 0.99, resamples: 2000 });
    expect(r99.high - r99.low).to.be.above(r90.high - r90.low);
  });

  it('a sample of equal values has zero width', () => {
    const r = bootstrapInterval([0.5, 0.5, 0.5, 0.5], median, { resamples: 100 });
    expect(r).to.deep.equal({ estimate: 0.5, low: 0.5, high: 0.5, level: 0.95 });
  });

  it('refuses an empty sample, non-finite values and bad options', () => {
    const calls = [
      () => bootstrapInterval([], mean),
      () => bootstrapInterval([1, NaN], mean),
      () => bootstrapInterval(xs, mean, { resamples: 0 }),
      () => bootstrapInterval(xs, mean, { resamples: 2.5 }),
      () => bootstrapInterval(xs, mean, { level: 1 }),
      () => bootstrapInterval(xs, mean, { seed: NaN }),
      () => bootstrapInterval(xs, () => NaN),
    ];
    for (const f of calls) expect(f).to.throw(StatisticsError).with.property('code', 'ERR_REPORT_STATISTICS');
  });
});

describe("Student's t", () => {
  it('quantiles match scipy.stats.t.ppf(p, df)', () => {
    const table: [number, number, number][] = [
      [0.975, 1, 12.706204736174694],
      [0.975, 2, 4.302652729749462],
      [0.995, 3, 5.840909309733355],
      [0.9, 5, 1.4758840488244815],
      [0.975, 10, 2.228138851986274],
      [0.975, 29, 2.045229642132703],
      [0.025, 30, -2.042272456301238],
      [0.995, 100, 2.6258905214380173],
      [0.9995, 1, 636.6192487687897],
    ];
    for (const [p, df, want] of table) close(studentTQuantile(p, df), want, 1e-12);
    expect(studentTQuantile(0.5, 7)).to.equal(0);
    expect(studentTQuantile(1, 7)).to.equal(Infinity);
    expect(studentTQuantile(0, 7)).to.equal(-Infinity);
  });

  it('the CDF matches scipy.stats.t.cdf(t, df) and inverts the quantile', () => {
    close(studentTCdf(2.5, 4), 0.966616727594006, 1e-13);
    close(studentTCdf(-1.3, 7), 0.11738391769618862, 1e-13);
    close(studentTCdf(0.7, 1), 0.6944001122142147, 1e-13);
    for (const df of [1, 2, 9, 40]) close(studentTCdf(studentTQuantile(0.9, df), df), 0.9, 1e-13);
  });

  it('refuses a df that is not a whole number ≥ 1 and p outside [0, 1]', () => {
    for (const f of [() => studentTQuantile(0.9, 0), () => studentTQuantile(0.9, 2.5), () => studentTCdf(1, -1), () => studentTQuantile(1.1, 3)]) {
      expect(f).to.throw(StatisticsError);
    }
  });
});

describe('meanDifferenceInterval()', () => {
  const a = [0.91, 0.93, 0.88, 0.95, 0.9, 0.92];
  const b = [0.9, 0.91, 0.89, 0.92, 0.88, 0.9];

  it('is the paired t interval (scipy ttest_rel(a, b).confidence_interval(0.95))', () => {
    const r = meanDifferenceInterval(a, b);
    close(r.estimate, 0.015, 1e-12);
    close(r.low, 0.0005345279774927603, 1e-10);
    close(r.high, 0.029465472022507228, 1e-12);
    expect(r.level).to.equal(0.95);
    const r99 = meanDifferenceInterval(a, b, { level: 0.99 });
    expect(r99.low).to.be.below(r.low);
    expect(r99.high).to.be.above(r.high);
  });

  it('equal differences give zero width; one pair gives no interval', () => {
    const r = meanDifferenceInterval([3, 4, 5], [1, 2, 3]);
    expect([r.estimate, r.low, r.high]).to.deep.equal([2, 2, 2]);
    const one = meanDifferenceInterval([0.9], [0.8]);
    expect(one.low).to.be.NaN;
    expect(one.high).to.be.NaN;
  });

  it('refuses unequal lengths, empty or non-finite samples and a bad level', () => {
    for (const f of [() => meanDifferenceInterval([1, 2], [1]), () => meanDifferenceInterval([], []), () => meanDifferenceInterval([1, NaN], [1, 2]), () => meanDifferenceInterval(a, b, { level: 0 })]) {
      expect(f).to.throw(StatisticsError);
    }
  });
});
