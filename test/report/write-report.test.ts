// test/report/write-report.test.ts: the report builds from the small recorded run: the HTML
// page (self-contained, every plot present) and the PNG of the main plot, the paired measurement
// when the journal holds scratch twins, the time to target against a second run; bad input
// rejected with its error class and code.

import { expect } from 'chai';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError } from 'graft';
import { JournalError } from 'graft/nas';
import { bestSoFar, readRun, writeReport, type WriteReportOptions } from 'graft/report';
import { addScratchTwins, copyFixtureRuns, type FixtureRuns } from './fixture-runs.js';

function pngSize(bytes: Buffer): { width: number; height: number } {
  expect(bytes.subarray(0, 8).toString('hex')).to.equal('89504e470d0a1a0a');
  expect(bytes.subarray(12, 16).toString('ascii')).to.equal('IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe('writeReport()', () => {
  let runs: FixtureRuns;
  beforeEach(() => {
    runs = copyFixtureRuns();
  });
  afterEach(() => runs.remove());

  it('writes a self-contained report.html with every plot, and report.png', async () => {
    const files = await writeReport(runs.transfer);
    expect(files.html).to.equal(join(runs.transfer, 'report.html'));
    expect(files.png).to.equal(join(runs.transfer, 'report.png'));
    expect(files.notes).to.deep.equal([]);
    const html = readFileSync(files.html, 'utf8');
    for (const id of ['score-vs-time', 'score-vs-evaluation', 'score-histogram', 'transfer-hit-rate', 'fetch-sources-transfer', 'actor-timeline-transfer', 'topk-curves-transfer']) {
      expect(html).to.match(new RegExp(`<figure class="chart" id="${id}">[^]*?<svg`), id);
    }
    // Nothing to fetch: no linked stylesheet, script file, image or frame.
    expect(html).not.to.match(/<(link|img|iframe)\b/i);
    expect(html).not.to.match(/<script[^>]*\bsrc=/i);
    expect(html).not.to.match(/(src|href)="https?:/i);
    // The main plot at the default scale of 2: twice the SVG's own size.
    const svgWidth = Number(/<svg[^>]*\bwidth="(\d+)"/.exec(html)![1]);
    const { width, height } = pngSize(readFileSync(files.png!));
    expect(width).to.equal(2 * svgWidth);
    expect(height).to.be.greaterThan(200);
    expect(files.summary.evaluations).to.equal(20);
    expect(files.comparison).to.equal(undefined);
    expect(files.pairs).to.equal(undefined);
    expect(files.timeToTarget).to.equal(undefined);
    expect(html).not.to.contain('Paired measurement');
    expect(html).not.to.contain('Time to target');
  });

  it('with scratch twins in the journal: the paired measurement, its table by fraction and its plot', async () => {
    const twins = addScratchTwins(runs.transfer);
    expect(twins).to.have.length(12);
    const files = await writeReport(runs.transfer);
    const pairs = files.pairs!;
    // Twelve twins, one of them of a repeat; every gain is 0.004 per transferred layer.
    expect([pairs.n, pairs.repeats, pairs.unscored]).to.deep.equal([11, 1, 0]);
    expect(pairs.helpedShare).to.equal(1);
    expect(pairs.byFraction.map((b) => [b.label, b.n, b.medianGain])).to.deep.equal([
      ['(0, 1/3]', 1, 0.004],
      ['(1/3, 2/3]', 6, 0.008],
      ['(2/3, 1]', 4, 0.012],
    ]);
    expect(pairs.wilcoxon!.wMinus).to.equal(0);
    expect(pairs.wilcoxon!.p).to.be.below(0.01);
    const html = readFileSync(files.html, 'utf8');
    expect(html).to.contain('<h2>Paired measurement: transfer against the same architecture from scratch</h2>');
    expect(html).to.contain('<table class="by-fraction">');
    expect(html).to.contain('11 new architectures; 1 repeat of earlier ones, counted apart');
    expect(html).to.match(/<figure class="chart" id="paired-gain-transfer">[^]*?<svg/);
  });

  it('with vs: overlays the second run, the time to its final best, and the comparison as secondary', async () => {
    const files = await writeReport(runs.transfer, { vs: runs.scratch, pngScale: 1 });
    expect(files.vsSummary?.label).to.equal('scratch');
    expect(files.comparison?.label).to.equal('transfer');
    expect(files.comparison?.baseline).to.equal('scratch');
    // The target is scratch's final best; each run's time is when its best so far first reached it.
    const [transfer, scratch] = [await readRun(runs.transfer), await readRun(runs.scratch)];
    const target = files.vsSummary!.best!.score;
    const reached = (r: typeof transfer) => bestSoFar(r.evaluations).find((p) => p.value >= target)!.seconds;
    const t = files.timeToTarget!;
    expect(t.baseline).to.equal('scratch');
    expect(t.target).to.equal(target);
    expect(t.modes.transfer!.median).to.equal(reached(transfer));
    expect(t.modes.scratch!.median).to.equal(reached(scratch));
    expect(t.modes.transfer!.speedup).to.equal(reached(scratch) / reached(transfer));
    const html = readFileSync(files.html, 'utf8');
    expect(html).to.contain('Time to target');
    expect(html).to.match(/<figure class="chart" id="time-to-target">[^]*?<svg/);
    expect(html).to.contain('Secondary: whole-search scores, transfer against scratch');
    expect(html).to.contain('independent draw');
    expect(html).to.contain('Mann–Whitney U');
    expect(html.indexOf('Time to target')).to.be.below(html.indexOf('Secondary: whole-search scores'));
    expect(html).to.contain('id="actor-timeline-scratch"');
    expect(html).to.contain('id="fetch-sources-scratch"');
    expect(existsSync(join(runs.scratch, 'report.html'))).to.equal(false);
  });

  it('two runs with the same directory name get distinct labels', async () => {
    const files = await writeReport(runs.transfer, { vs: runs.transfer });
    expect(files.summary.label).to.not.equal(files.vsSummary!.label);
  });

  it('notes a torn last journal line and reports the complete records', async () => {
    appendFileSync(join(runs.scratch, 'journal.jsonl'), '{"kind":"evaluation","id":99,');
    const files = await writeReport(runs.scratch);
    expect(files.summary.evaluations).to.equal(20);
    expect(files.notes).to.have.length(1);
    expect(readFileSync(files.html, 'utf8')).to.contain('cut short');
  });

  it('reports a search that has proposed but not finished anything, with a note', async () => {
    const dir = join(runs.root, 'scratch');
    writeFileSync(join(dir, 'journal.jsonl'), JSON.stringify({ kind: 'proposal', id: 0, choices: [1, 2], parent: null, at: 0.1 }) + '\n');
    const files = await writeReport(dir);
    expect(files.summary.evaluations).to.equal(0);
    expect(files.summary.score).to.equal(undefined);
    expect(files.notes).to.have.length(1);
    expect(files.png).to.equal(join(dir, 'report.png'));
  });

  it('rejects a directory without a journal with JournalError', async () => {
    const err = await writeReport(join(runs.root, 'missing')).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(JournalError);
    expect((err as JournalError).code).to.equal('ERR_JOURNAL');
  });

  it('rejects a record with a missing field, naming the field', async () => {
    appendFileSync(join(runs.scratch, 'journal.jsonl'), JSON.stringify({ kind: 'evaluation', id: 100, score: 0.5 }) + '\n');
    const err = await writeReport(runs.scratch).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(JournalError);
    expect((err as JournalError).details.field).to.be.a('string');
  });

  it('rejects bad options with InvalidArgumentError before reading anything', async () => {
    for (const options of [{ pngScale: 0 }, { vs: '' }, { label: ' ' }, { colour: 'red' } as unknown as WriteReportOptions]) {
      const err = await writeReport(runs.transfer, options).catch((e: unknown) => e);
      expect(err, JSON.stringify(options)).to.be.instanceOf(InvalidArgumentError);
      expect((err as InvalidArgumentError).code).to.equal('ERR_INVALID_ARGUMENT');
    }
    expect(existsSync(join(runs.transfer, 'report.html'))).to.equal(false);
  });
});
