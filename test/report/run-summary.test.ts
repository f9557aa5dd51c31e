// test/report/run-summary.test.ts: figures derived from the small recorded run in
// test/fixtures/report (20 evaluations on 4 actors, 3 top-K models with both starts), checked
// against the records themselves.

import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { bestAt, bestSoFar, compareRuns, readRun, summarizeRun, transferHitRate } from 'graft/report';
import type { Run } from 'graft/report';

const fixtures = new URL('../../../test/fixtures/report/', import.meta.url).pathname;

function journalLines(name: string): Record<string, any>[] {
  return readFileSync(`${fixtures}${name}/journal.jsonl`, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
}

describe('report run summary', () => {
  let transfer: Run;
  let scratch: Run;
  before(async () => {
    transfer = await readRun(`${fixtures}transfer`);
    scratch = await readRun(`${fixtures}scratch`);
  });

  it('reads every evaluation and top-K record, in order of completion', () => {
    expect(transfer.label).to.equal('transfer');
    expect(transfer.evaluations).to.have.length(20);
    expect(transfer.topk).to.have.length(6);
    expect(scratch.topk).to.have.length(0);
    const finished = transfer.evaluations.map((r) => r.finishedAt);
    expect(finished).to.deep.equal([...finished].sort((a, b) => a - b));
    expect(new Set(transfer.evaluations.map((r) => r.id)).size).to.equal(20);
  });

  it('best so far never decreases and ends at the best score', () => {
    const curve = bestSoFar(transfer.evaluations);
    expect(curve).to.have.length(20);
    for (let i = 1; i < curve.length; i++) expect(curve[i]!.value).to.be.at.least(curve[i - 1]!.value);
    const best = Math.max(...transfer.evaluations.map((r) => r.score));
    expect(curve.at(-1)!.value).to.equal(best);
    expect(bestAt(curve, curve[0]!.seconds - 1)).to.equal(undefined);
    expect(bestAt(curve, Infinity)).to.equal(best);
  });

  it('counts transfer hits, bytes, fetch time and sources from the records', () => {
    const lines = journalLines('transfer').filter((r) => r.kind === 'evaluation');
    const s = summarizeRun(transfer);
    const hits = lines.filter((r) => r.transfer.layersTransferred > 0).length;
    expect(s.evaluations).to.equal(20);
    expect(s.failed).to.equal(0);
    expect(s.transfer.hitRate).to.equal(hits / 20);
    expect(s.transfer.bytesFetched).to.equal(lines.reduce((a, r) => a + r.transfer.bytesFetched, 0));
    expect(s.transfer.sources.none).to.equal(20 - hits);
    expect(s.transfer.sources.local + s.transfer.sources.peer + s.transfer.sources.spill).to.equal(hits);
    expect(s.actors).to.equal(4);
    expect(transferHitRate(transfer.evaluations).at(-1)!.value).to.equal(hits / 20);
    expect(summarizeRun(scratch).transfer.hitRate).to.equal(0);
  });

  it('pairs top-K checkpoint and scratch trainings and averages their ratios', () => {
    const topk = journalLines('transfer').filter((r) => r.kind === 'topk');
    const s = summarizeRun(transfer).topk;
    expect(s.pairs.map((p) => p.id)).to.deep.equal([...new Set(topk.map((r) => r.id as number))].sort((a, b) => a - b));
    const ratio = (id: number, f: string) =>
      topk.find((r) => r.id === id && r.start === 'scratch')![f] / topk.find((r) => r.id === id && r.start === 'checkpoint')![f];
    const epochRatios = s.pairs.map((p) => ratio(p.id, 'epochs'));
    expect(s.pairs.map((p) => p.epochRatio)).to.deep.equal(epochRatios);
    expect(s.meanEpochRatio).to.be.closeTo(epochRatios.reduce((a, b) => a + b) / epochRatios.length, 1e-12);
    expect(s.meanTimeRatio).to.be.greaterThan(0);
    expect(Number.isNaN(summarizeRun(scratch).topk.meanEpochRatio)).to.equal(true);
  });

  it('compares two runs: gains of means and medians and a two-sided test', () => {
    const c = compareRuns(transfer, scratch)!;
    const a = summarizeRun(transfer).score!;
    const b = summarizeRun(scratch).score!;
    expect(c.meanGain).to.be.closeTo(a.mean - b.mean, 1e-12);
    expect(c.medianGain).to.be.closeTo(a.median - b.median, 1e-12);
    expect(c.test.u + c.test.uOther).to.equal(400);
    expect(c.test.p).to.be.within(0, 1);
    const back = compareRuns(scratch, transfer)!;
    expect(back.test.u).to.equal(c.test.uOther);
    expect(back.test.p).to.be.closeTo(c.test.p, 1e-15);
  });
});
