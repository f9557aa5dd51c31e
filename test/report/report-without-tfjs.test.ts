// test/report/report-without-tfjs.test.ts: `graft report` reads a run directory without loading
// tfjs: the command runs under a preload that makes any @tensorflow import or require fail, and
// the same preload is shown to stop a module that does load tfjs.

import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { copyFixtureRuns, type FixtureRuns } from './fixture-runs.js';

const main = fileURLToPath(new URL('../../../dist/main.js', import.meta.url));
const train = new URL('../../../dist/train/index.js', import.meta.url).href;
const refuseTfjs = fileURLToPath(new URL('../../../test/fixtures/loader/refuse-tfjs.mjs', import.meta.url));

function nodeRefusingTfjs(...args: string[]) {
  return spawnSync(process.execPath, ['--import', refuseTfjs, ...args], { encoding: 'utf8', timeout: 60_000 });
}

describe('graft report without tfjs', () => {
  let runs: FixtureRuns;
  before(() => {
    runs = copyFixtureRuns();
  });
  after(() => runs.remove());

  it('the preload stops a module that loads tfjs', () => {
    const r = nodeRefusingTfjs('--input-type=module', '-e', `await import(${JSON.stringify(train)})`);
    expect(r.status).to.not.equal(0);
    expect(r.stderr).to.contain('refused to load @tensorflow/');
  });

  it('writes the report of a run with tfjs refused', () => {
    const r = nodeRefusingTfjs(main, 'report', runs.transfer);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stderr).to.not.contain('refused to load');
    expect(existsSync(join(runs.transfer, 'report.html'))).to.equal(true);
  });
});
