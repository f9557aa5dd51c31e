// test/report/wilcoxon.test.ts: the Wilcoxon signed-rank test against scipy.stats.wilcoxon
// (two-sided, correction=False unless stated). Every value below was computed with scipy 1.10.1
// and again with scipy 1.17.1, which agree on all of them; the scipy call is given beside each.

import { expect } from 'chai';
import { StatisticsError, wilcoxonSignedRank } from 'graft/report';

function close(actual: number | undefined, expected: number, rel: number): void {
  expect(actual).to.be.a('number');
  expect(Math.abs(actual! - expected), `${actual} vs ${expected}`).to.be.at.most(rel * Math.abs(expected));
}

// scipy's documentation example (Wilcoxon 1945): height differences of paired corn plants.
const corn = [6, 8, 14, 16, 23, 24, 28, 29, 41, -48, 49, 56, 60, -67, 75];
const d20 = [0.013, -0.021, 0.034, 0.008, 0.051, -0.004, 0.027, 0.019, -0.012, 0.044, 0.006, 0.031, -0.017, 0.022, 0.038, 0.011, -0.029, 0.047, 0.002, 0.025];
// 50 distinct magnitudes with mixed signs (Python: [(1 if (i*13) % 7 < 4 else -1) * ((i*37) % 101) / 1000 for i in range(1, 51)]).
const d50 = Array.from({ length: 50 }, (_, k) => ((((k + 1) * 13) % 7 < 4 ? 1 : -1) * (((k + 1) * 37) % 101)) / 1000);
const d51 = [...d50, 0.0775];
const ties = [0.02, -0.01, 0.02, 0.03, -0.02, 0.01, 0.04, 0.02, 0.03, -0.01, 0.05, 0.01];
const zeros = [0.02, 0, -0.01, 0.02, 0.03, 0, -0.02, 0.01, 0.04, 0.02, 0, 0.03, -0.01, 0.05];

describe('wilcoxonSignedRank()', () => {
  it('exact null distribution without ties or zeros (scipy wilcoxon(corn, method="exact"): 24, 0.041259765625)', () => {
    const r = wilcoxonSignedRank(corn);
    expect(r.method).to.equal('exact');
    expect([r.n, r.zeros, r.wPlus, r.wMinus, r.statistic]).to.deep.equal([15, 0, 96, 24, 24]);
    close(r.p, 0.041259765625, 1e-12);
    expect(r.z).to.equal(undefined);
    expect(wilcoxonSignedRank(corn, { method: 'exact' }).p).to.equal(r.p);
  });

  it('normal approximation, with and without continuity correction', () => {
    // wilcoxon(corn, method="asymptotic") → p 0.04088813291185591, z -2.0446626032894333
    const r = wilcoxonSignedRank(corn, { method: 'asymptotic' });
    expect(r.method).to.equal('asymptotic');
    expect(r.statistic).to.equal(24);
    close(r.p, 0.04088813291185591, 1e-10);
    close(r.z, -2.0446626032894333, 1e-10);
    // wilcoxon(corn, method="asymptotic", correction=True) → p 0.043772323763041174, z -2.01626451157708
    const c = wilcoxonSignedRank(corn, { method: 'asymptotic', correction: true });
    close(c.p, 0.043772323763041174, 1e-10);
    close(c.z, -2.01626451157708, 1e-10);
  });

  it('auto is exact up to 50 differences and asymptotic beyond, as scipy 1.10', () => {
    // wilcoxon(d20) → 40, p 0.013616561889648438 (exact)
    const r20 = wilcoxonSignedRank(d20);
    expect(r20.method).to.equal('exact');
    expect(r20.statistic).to.equal(40);
    close(r20.p, 0.013616561889648438, 1e-12);
    // wilcoxon(d50) → 572, p 0.5335711137818162 (exact)
    const r50 = wilcoxonSignedRank(d50);
    expect(r50.method).to.equal('exact');
    expect(r50.statistic).to.equal(572);
    close(r50.p, 0.5335711137818162, 1e-12);
    // wilcoxon(d51) → 577, p 0.4201747268820091, z -0.806118150635986 (asymptotic)
    const r51 = wilcoxonSignedRank(d51);
    expect(r51.method).to.equal('asymptotic');
    expect(r51.statistic).to.equal(577);
    close(r51.p, 0.4201747268820091, 1e-10);
    close(r51.z, -0.806118150635986, 1e-10);
    // wilcoxon(d51, method="exact") → p 0.42610992323576813
    close(wilcoxonSignedRank(d51, { method: 'exact' }).p, 0.42610992323576813, 1e-12);
  });

  it('ties: auto takes the normal approximation with the tie-corrected variance', () => {
    // wilcoxon(ties, method="asymptotic") → 11.5, p 0.029636439139679102, z -2.174915633782951
    const r = wilcoxonSignedRank(ties);
    expect(r.method).to.equal('asymptotic');
    expect(r.statistic).to.equal(11.5);
    close(r.p, 0.029636439139679102, 1e-10);
    close(r.z, -2.174915633782951, 1e-10);
    // wilcoxon(ties, method="asymptotic", correction=True) → p 0.03273065935268391
    close(wilcoxonSignedRank(ties, { correction: true }).p, 0.03273065935268391, 1e-10);
  });

  it("zeros under 'wilcox': dropped before ranking", () => {
    // wilcoxon(zeros, method="asymptotic", zero_method="wilcox") → 9.5, p 0.03528574903886278, z -2.1050638664052297
    const r = wilcoxonSignedRank(zeros);
    expect(r.method).to.equal('asymptotic');
    expect([r.n, r.zeros, r.statistic]).to.deep.equal([11, 3, 9.5]);
    close(r.p, 0.03528574903886278, 1e-10);
    close(r.z, -2.1050638664052297, 1e-10);
  });

  it("zeros under 'pratt': ranked, then dropped, with the corrected mean and variance", () => {
    // wilcoxon(zeros, method="asymptotic", zero_method="pratt") → 18.5, p 0.049181438683008415, z -1.967015371461335
    const r = wilcoxonSignedRank(zeros, { zeroMethod: 'pratt' });
    expect([r.n, r.zeros, r.statistic]).to.deep.equal([11, 3, 18.5]);
    close(r.p, 0.049181438683008415, 1e-10);
    close(r.z, -1.967015371461335, 1e-10);
    // the same with correction=True → p 0.052954802541036385, z -1.9352893170829264
    const c = wilcoxonSignedRank(zeros, { zeroMethod: 'pratt', correction: true });
    close(c.p, 0.052954802541036385, 1e-10);
    close(c.z, -1.9352893170829264, 1e-10);
  });

  it('flipping every sign swaps W+ and W− and keeps p', () => {
    for (const d of [corn, ties, zeros]) {
      const r = wilcoxonSignedRank(d);
      const f = wilcoxonSignedRank(d.map((x) => -x));
      expect([f.wPlus, f.wMinus]).to.deep.equal([r.wMinus, r.wPlus]);
      expect(f.p).to.equal(r.p);
    }
  });

  it('every difference zero: p = 1', () => {
    for (const zeroMethod of ['wilcox', 'pratt'] as const) {
      const r = wilcoxonSignedRank([0, 0, 0], { zeroMethod });
      expect([r.n, r.zeros, r.statistic, r.p]).to.deep.equal([0, 3, 0, 1]);
    }
  });

  it('refuses an empty sample, a non-finite value, bad options and the exact method with ties or zeros', () => {
    const calls = [
      () => wilcoxonSignedRank([]),
      () => wilcoxonSignedRank([1, NaN]),
      () => wilcoxonSignedRank([1, Infinity]),
      () => wilcoxonSignedRank(ties, { method: 'exact' }),
      () => wilcoxonSignedRank(zeros, { method: 'exact' }),
      () => wilcoxonSignedRank(corn, { method: 'approx' as 'exact' }),
      () => wilcoxonSignedRank(corn, { zeroMethod: 'zsplit' as 'pratt' }),
    ];
    for (const f of calls) expect(f).to.throw(StatisticsError).with.property('code', 'ERR_REPORT_STATISTICS');
  });
});
