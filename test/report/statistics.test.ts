// test/report/statistics.test.ts: descriptive statistics, the normal tail and the Mann–Whitney
// U test against values computed independently (numpy 2, scipy 1.17, Python's math.erfc).

import { expect } from 'chai';
import { erfc, mannWhitneyU, mean, median, normalCdf, normalSf, quantile, StatisticsError, summarize, vanElteren } from 'graft/report';

function close(actual: number, expected: number, rel = 1e-12): void {
  expect(Math.abs(actual - expected), `${actual} vs ${expected}`).to.be.at.most(rel * Math.abs(expected) + 1e-300);
}

describe('report statistics', () => {
  describe('summarize()', () => {
    const xs = [3, 1, 4, 1, 5, 9, 2, 6];

    it('gives the mean, sample sd and quartiles numpy gives (linear interpolation)', () => {
      const s = summarize(xs);
      expect(s.n).to.equal(8);
      close(s.mean, 3.875);
      close(s.sd, 2.748376143938713);
      expect([s.min, s.q1, s.median, s.q3, s.max]).to.deep.equal([1, 1.75, 3.5, 5.25, 9]);
      expect(mean(xs)).to.equal(3.875);
      expect(median(xs)).to.equal(3.5);
      expect(quantile(xs, 0.1)).to.be.closeTo(1, 1e-15);
      expect(quantile([7], 0.75)).to.equal(7);
    });

    it('refuses an empty sample, a non-finite value and q outside [0, 1]', () => {
      for (const f of [() => summarize([]), () => mean([1, NaN]), () => quantile(xs, 1.5), () => mannWhitneyU([], [1])]) {
        expect(f).to.throw(StatisticsError).with.property('code', 'ERR_REPORT_STATISTICS');
      }
    });
  });

  describe('normal distribution', () => {
    it('erfc matches math.erfc on both sides of the series / continued-fraction switch', () => {
      const table: [number, number][] = [
        [0.5, 0.4795001221869535],
        [1, 0.15729920705028513],
        [2.4, 0.0006885138966450789],
        [2.6, 0.00023603441652934908],
        [3, 2.2090496998585438e-5],
        [5, 1.5374597944280351e-12],
        [-1.5, 1.9661051464753108],
      ];
      for (const [x, want] of table) close(erfc(x), want, 1e-12);
      expect(erfc(0)).to.equal(1);
    });

    it('normalCdf and normalSf match scipy.stats.norm', () => {
      close(normalCdf(1.96), 0.9750021048517795, 1e-14);
      close(normalSf(3), 0.0013498980316300933, 1e-12);
      close(normalSf(6), 9.865876450376946e-10, 1e-12);
    });
  });

  describe('mannWhitneyU()', () => {
    // scipy's documentation example: ages of male and female staff.
    const males = [19, 22, 16, 29, 24];
    const females = [20, 11, 17, 12];

    it('exact p for small samples without ties (scipy: U 17, p 0.1111…)', () => {
      const r = mannWhitneyU(males, females);
      expect(r.method).to.equal('exact');
      expect(r.u).to.equal(17);
      expect(r.uOther).to.equal(3);
      close(r.p, 0.1111111111111111);
      expect(r.effect).to.equal(17 / 20);
    });

    it('normal approximation with continuity correction (scipy asymptotic: p 0.111346…)', () => {
      const r = mannWhitneyU(males, females, { method: 'asymptotic' });
      expect(r.method).to.equal('asymptotic');
      close(r.p, 0.11134688653314041, 1e-12);
    });

    it('tie correction (scipy: U 95.5, p 0.0044210525…)', () => {
      const a = [0.91, 0.93, 0.93, 0.95, 0.9, 0.97, 0.93, 0.96, 0.94, 0.92];
      const b = [0.88, 0.9, 0.93, 0.89, 0.91, 0.9, 0.87, 0.92, 0.93, 0.86, 0.9];
      const r = mannWhitneyU(a, b);
      expect(r.method).to.equal('asymptotic'); // ties rule out the exact method
      expect(r.u).to.equal(95.5);
      close(r.p, 0.004421052544678264, 1e-12);
      // Swapping the samples swaps U and keeps the two-sided p.
      const s = mannWhitneyU(b, a);
      expect(s.u).to.equal(14.5);
      close(s.p, r.p, 1e-15);
    });

    it('complete separation: p = 2 / C(10, 5) exactly', () => {
      const r = mannWhitneyU([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]);
      expect(r.u).to.equal(0);
      close(r.p, 2 / 252, 1e-15);
    });

    it('exact with unequal sizes (scipy: U 12, p 0.020649938…)', () => {
      const r = mannWhitneyU([1, 2, 3, 4, 5, 6, 7, 8, 9], [2.5, 4.5, 10, 11, 12, 13, 14, 15]);
      expect(r.method).to.equal('exact');
      expect(r.u).to.equal(12);
      close(r.p, 0.02064993829699712, 1e-12);
    });

    it('all values tied: U at its mean and p = 1', () => {
      const r = mannWhitneyU([1, 1, 1], [1, 1, 1]);
      expect(r.u).to.equal(4.5);
      expect(r.p).to.equal(1);
    });

    it('refuses the exact method for tied samples', () => {
      expect(() => mannWhitneyU([1, 2, 2], [3, 4], { method: 'exact' })).to.throw(StatisticsError);
    });
  });

  describe('vanElteren()', () => {
    const a = [0.91, 0.93, 0.93, 0.95, 0.9, 0.97, 0.93, 0.96, 0.94, 0.92];
    const b = [0.88, 0.9, 0.93, 0.89, 0.91, 0.9, 0.87, 0.92, 0.93, 0.86, 0.9];

    it('with one stratum is the tie-corrected Mann–Whitney test without continuity correction (scipy: p 0.0039512913…)', () => {
      const r = vanElteren([{ x: a, y: b }]);
      expect(r.strata).to.equal(1);
      close(r.z, (2.8464438489106376 * 40.5) / 40, 1e-12); // scipy's z with the 0.5 correction, rescaled
      close(r.p, 0.003951291383259327, 1e-12);
    });

    it('two identical strata multiply z by √2; swapping the sides flips its sign', () => {
      const one = vanElteren([{ x: a, y: b }]);
      const two = vanElteren([{ x: a, y: b }, { x: a, y: b }]);
      close(two.z, Math.SQRT2 * one.z, 1e-12);
      const swapped = vanElteren([{ x: b, y: a }, { x: b, y: a }]);
      close(swapped.z, -two.z, 1e-12);
      close(swapped.p, two.p, 1e-12);
    });

    it('a shift in every stratum is detected even when the strata\'s scales differ', () => {
      const low = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6];
      const high = [10, 20, 30, 40, 50, 60];
      const r = vanElteren([
        { x: low.map((v) => v + 0.05), y: low },
        { x: high.map((v) => v + 5), y: high },
      ]);
      expect(r.z).to.be.greaterThan(0);
      // Pooling would compare 0.15 with 60; the strata keep each comparison within its scale.
      close(r.z, vanElteren([{ x: low.map((v) => v + 0.05), y: low }]).z * Math.SQRT2, 1e-12);
    });

    it('skips strata without values on one side and refuses when none is left', () => {
      expect(vanElteren([{ x: a, y: b }, { x: [], y: [1] }]).strata).to.equal(1);
      expect(() => vanElteren([{ x: [], y: [1] }])).to.throw(StatisticsError);
    });
  });
});
