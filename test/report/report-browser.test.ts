// test/report/report-browser.test.ts: opens report.html (with scratch twins and a second run, so
// every section is there) in headless Chromium and checks that every plot rendered (SVG marks
// present, one per record where that is the encoding), that the page raised no error and that
// it asked for nothing over the network. Needs Debian's chromium (installed by .ci/run); skipped
// with the reason when it is absent.

import { expect } from 'chai';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { writeReport } from 'graft/report';
import { addScratchTwins, copyFixtureRuns, type FixtureRuns } from './fixture-runs.js';

const kChromium = '/usr/bin/chromium';
const kArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

describe('report.html in headless Chromium', function () {
  let runs: FixtureRuns;
  let profile: string;
  let context: BrowserContext;

  before(async function () {
    if (!existsSync(kChromium)) {
      console.log(`      skipped: ${kChromium} not found (install Debian's chromium package)`);
      this.skip();
    }
    runs = copyFixtureRuns();
    addScratchTwins(runs.transfer);
    await writeReport(runs.transfer, { vs: runs.scratch });
    profile = mkdtempSync(join(tmpdir(), 'graft-chromium-'));
    context = await chromium.launchPersistentContext(profile, { executablePath: kChromium, headless: true, args: kArgs });
  });

  after(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    runs?.remove();
  });

  it('renders every plot with its marks, raises no error and loads nothing else', async () => {
    const page = await context.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    const url = pathToFileURL(join(runs.transfer, 'report.html')).href;
    page.on('request', (r) => {
      if (r.url() !== url) requests.push(r.url());
    });
    await page.goto(url, { waitUntil: 'load' });

    const figures = await page.$$eval('figure.chart', (els) =>
      els.map((el) => {
        const svg = el.querySelector('svg');
        const box = svg?.getBoundingClientRect();
        return { id: el.id, width: box?.width ?? 0, height: box?.height ?? 0, paths: el.querySelectorAll('svg path').length };
      }),
    );
    expect(figures.map((f) => f.id)).to.deep.equal([
      'paired-gain-transfer',
      'time-to-target',
      'score-vs-time',
      'score-vs-evaluation',
      'score-histogram',
      'transfer-hit-rate',
      'fetch-sources-transfer',
      'fetch-sources-scratch',
      'actor-timeline-transfer',
      'actor-timeline-scratch',
      'topk-curves-transfer',
    ]);
    for (const f of figures) {
      expect(f.width, f.id).to.be.greaterThan(300);
      expect(f.height, f.id).to.be.greaterThan(100);
      expect(f.paths, f.id).to.be.greaterThan(0);
    }
    // One dot per evaluation of both runs; one bar per evaluation of the run; one line per
    // top-K training (3 models × 2 starts); one dot per new architecture with a twin; one
    // line per run against the target.
    const count = (selector: string) => page.$$eval(selector, (els) => els.length);
    expect(await count('#score-vs-time .mark-symbol.role-mark path')).to.equal(40);
    expect(await count('#paired-gain-transfer .mark-symbol.role-mark path')).to.equal(11);
    expect(await count('#time-to-target .mark-line.role-mark path')).to.equal(2);
    expect(await count('#actor-timeline-transfer .mark-rect.role-mark path')).to.equal(20);
    expect(await count('#topk-curves-transfer .mark-line.role-mark path')).to.equal(6);
    expect(await count('table.summary tbody tr')).to.be.greaterThan(5);
    // Hover tooltips: the page's script gave every dot a <title> naming its candidate.
    const titles = await page.$$eval('#score-vs-time .mark-symbol.role-mark path > title', (els) => els.map((e) => e.textContent ?? ''));
    expect(titles).to.have.length(40);
    expect(titles.every((t) => /candidate: \d+/.test(t))).to.equal(true);
    expect(errors).to.deep.equal([]);
    expect(requests).to.deep.equal([]);
    await page.close();
  });
});
