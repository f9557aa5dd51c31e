// test/report/paired.test.ts: the paired measurement (each candidate against its scratch twin)
// from a hand-made run whose gains, bins and shares are worked out by hand, and the journal's
// `pair` records as readRun sees them.

import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JournalError } from 'graft/nas';
import { pairedRows, readRun, summarizePairs } from 'graft/report';
import { evaluation, handMadeRun, pair } from './hand-made-runs.js';

// id: score, twin's score, parameters transferred / total → gain, bin
const run = handMadeRun(
  'paired',
  [
    { id: 0, score: 0.9, paramsTransferred: 0, paramsTotal: 100 }, // +0.02, 0
    { id: 1, score: 0.91, paramsTransferred: 20, paramsTotal: 100 }, // +0.02, (0, 1/3]
    { id: 2, score: 0.92, paramsTransferred: 30, paramsTotal: 100 }, // −0.01, (0, 1/3]
    { id: 3, score: 0.93, paramsTransferred: 50, paramsTotal: 100 }, // +0.03, (1/3, 2/3]
    { id: 4, score: 0.94, paramsTransferred: 60, paramsTotal: 100 }, // +0.04, (1/3, 2/3]
    { id: 5, score: 0.95, paramsTransferred: 80, paramsTotal: 100 }, // +0.04, (2/3, 1]
    { id: 6, score: 0.96, paramsTransferred: 100, paramsTotal: 100 }, // +0.05, (2/3, 1]
    { id: 7, score: 0.9, paramsTransferred: 90, paramsTotal: 100 }, // 0, (2/3, 1]
    { id: 8, score: 0.89 }, // +0.03, unknown
    { id: 9, score: 0.92, paramsTransferred: 40, paramsTotal: 120 }, // +0.05, (0, 1/3]: a third exactly
    { id: 10, score: 0.93, repeatOf: 3, paramsTransferred: 50, paramsTotal: 100 }, // a repeat
    { id: 11, score: 0.91, paramsTransferred: 50, paramsTotal: 100 }, // twin diverged: unscored
    { id: 12, score: 0.95, paramsTransferred: 50, paramsTotal: 100 }, // no twin
  ],
  [
    pair(0, 0.88), pair(1, 0.89), pair(2, 0.93), pair(3, 0.9), pair(4, 0.9), pair(5, 0.91), pair(6, 0.91),
    pair(7, 0.9), pair(8, 0.86), pair(9, 0.87), pair(10, 0.9), pair(11, null), pair(99, 0.5),
  ],
);

describe('paired measurement', () => {
  it('pairedRows: one row per evaluation with a twin, gains free of binary rounding', () => {
    const rows = pairedRows(run);
    expect(rows.map((r) => r.id)).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(rows.slice(0, 10).map((r) => r.gain)).to.deep.equal([0.02, 0.02, -0.01, 0.03, 0.04, 0.04, 0.05, 0, 0.03, 0.05]);
    expect(rows[3]).to.deep.equal({ id: 3, transferred: 0.93, scratch: 0.9, gain: 0.03, fraction: 0.5, repeat: false });
    expect(rows[8]!.fraction).to.be.NaN;
    expect(rows[10]!.repeat).to.equal(true);
    expect(rows[11]!.scratch).to.be.NaN;
    expect(rows[11]!.gain).to.be.NaN;
  });

  it('summarizePairs: counts, shares, median and mean gain of the new architectures', () => {
    const s = summarizePairs(pairedRows(run), { resamples: 2000 });
    expect([s.n, s.unscored, s.repeats]).to.deep.equal([10, 1, 1]);
    expect(s.helpedShare).to.equal(0.8);
    expect(s.hurtShare).to.equal(0.1);
    expect(s.medianGain.estimate).to.equal(0.03);
    expect(s.medianGain.low).to.be.at.most(0.03);
    expect(s.medianGain.high).to.be.at.least(0.03);
    expect(s.meanGain.estimate).to.be.closeTo(0.027, 1e-12);
    expect(s.meanGain.low).to.be.below(0.027);
    expect(s.meanGain.high).to.be.above(0.027);
  });

  it('tests the gains with the Wilcoxon signed-rank test (scipy wilcoxon(gains, method="asymptotic"): 1, p 0.010585735359396723)', () => {
    const w = summarizePairs(pairedRows(run), { resamples: 100 }).wilcoxon!;
    expect(w.method).to.equal('asymptotic'); // a zero and tied gains
    expect([w.n, w.zeros, w.statistic]).to.deep.equal([9, 1, 1]);
    expect(w.p).to.be.closeTo(0.010585735359396723, 1e-10);
  });

  it('bins the gains by the fraction of parameters transferred, leaving out empty bins', () => {
    const bins = summarizePairs(pairedRows(run), { resamples: 100 }).byFraction;
    expect(bins.map((b) => [b.label, b.n, b.helpedShare])).to.deep.equal([
      ['0', 1, 1],
      ['(0, 1/3]', 3, 2 / 3],
      ['(1/3, 2/3]', 2, 1],
      ['(2/3, 1]', 3, 2 / 3],
      ['unknown', 1, 1],
    ]);
    expect(bins.map((b) => b.medianGain)).to.deep.equal([0.02, 0.02, 0.035, 0.04, 0.03]);
    const none = summarizePairs(pairedRows(handMadeRun('x', [{ id: 0, score: 0.9, paramsTransferred: 10, paramsTotal: 100 }], [pair(0, 0.8)])), { resamples: 100 });
    expect(none.byFraction.map((b) => b.label)).to.deep.equal(['(0, 1/3]']);
  });

  it('is the same for the same seed', () => {
    const rows = pairedRows(run);
    expect(summarizePairs(rows, { seed: 5, resamples: 500 })).to.deep.equal(summarizePairs(rows, { seed: 5, resamples: 500 }));
  });

  it('without usable pairs: counts only, no test, no intervals', () => {
    const s = summarizePairs(pairedRows(handMadeRun('x', [{ id: 0, score: 0.9, repeatOf: 0 }, { id: 1, score: null }], [pair(0, 0.8), pair(1, 0.8)])));
    expect([s.n, s.unscored, s.repeats]).to.deep.equal([0, 1, 1]);
    expect(s.wilcoxon).to.equal(undefined);
    expect(s.medianGain.estimate).to.be.NaN;
    expect(s.byFraction).to.deep.equal([]);
    // One pair: a median, but no spread for the mean's interval.
    const one = summarizePairs(pairedRows(handMadeRun('x', [{ id: 0, score: 0.9 }], [pair(0, 0.8)])), { resamples: 100 });
    expect(one.medianGain).to.deep.include({ estimate: 0.1, low: 0.1, high: 0.1 });
    expect(one.meanGain.low).to.be.NaN;
  });

  describe('readRun() with pair records', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'graft-paired-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    const write = (records: object[]) => writeFileSync(join(dir, 'journal.jsonl'), records.map((r) => JSON.stringify(r) + '\n').join(''));

    it('reads them by candidate id, the last record of an id winning', async () => {
      write([evaluation({ id: 1, score: 0.9 }), pair(1, 0.7), evaluation({ id: 0, score: 0.8 }), pair(0, 0.75), pair(1, 0.85)]);
      const r = await readRun(dir);
      expect(r.pairs.map((p) => [p.id, p.score])).to.deep.equal([[0, 0.75], [1, 0.85]]);
      expect(pairedRows(r).map((row) => row.gain)).to.deep.equal([0.05, 0.05]);
    });

    it('refuses a malformed pair record, naming the field', async () => {
      for (const bad of [{ ...pair(0, 0.7), score: '0.7' }, { ...pair(0, 0.7), epochs: undefined }, { ...pair(0, 0.7), curve: null }]) {
        write([evaluation({ id: 0, score: 0.8 }), bad]);
        const err = await readRun(dir).catch((e: unknown) => e);
        expect(err).to.be.instanceOf(JournalError);
        expect((err as JournalError).details.line).to.equal(2);
      }
      write([{ ...evaluation({ id: 0, score: 0.8 }), repeatOf: 'zero' }]);
      expect(await readRun(dir).catch((e: unknown) => e)).to.be.instanceOf(JournalError);
    });
  });
});
