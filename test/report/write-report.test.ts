// test/report/write-report.test.ts: the report builds from the small recorded run: the HTML
// page (self-contained, every plot present) and the PNG of the main plot; bad input rejected
// with its error class and code.

import { expect } from 'chai';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError } from 'graft';
import { JournalError } from 'graft/nas';
import { writeReport, type WriteReportOptions } from 'graft/report';
import { copyFixtureRuns, type FixtureRuns } from './fixture-runs.js';

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
  });

  it('with vs: overlays the second run and writes the comparison', async () => {
    const files = await writeReport(runs.transfer, { vs: runs.scratch, pngScale: 1 });
    expect(files.vsSummary?.label).to.equal('scratch');
    expect(files.comparison?.label).to.equal('transfer');
    expect(files.comparison?.baseline).to.equal('scratch');
    const html = readFileSync(files.html, 'utf8');
    expect(html).to.contain('transfer against scratch');
    expect(html).to.contain('Mann–Whitney U');
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
    writeFileSync(join(dir, 'journal.jsonl'), JSON.stringify({ kind: 'proposal', id: 0, arch: [1, 2], parent: null, at: 0.1 }) + '\n');
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
