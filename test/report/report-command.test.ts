// test/report/report-command.test.ts: `graft report DIR --vs DIR2` from the command line:
// files written, figures printed, bad usage refused with a non-zero exit.

import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { addScratchTwins, copyFixtureRuns, type FixtureRuns } from './fixture-runs.js';

const main = new URL('../../../dist/main.js', import.meta.url).pathname;

function graft(...args: string[]) {
  return spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', timeout: 60_000 });
}

describe('graft report (command line)', () => {
  let runs: FixtureRuns;
  before(() => {
    runs = copyFixtureRuns();
  });
  after(() => runs.remove());

  it('writes report.html and report.png and prints the paired measurement, the time to target and the comparison', () => {
    addScratchTwins(runs.transfer);
    const r = graft('report', runs.transfer, '--vs', runs.scratch, '--label', 'prefix', '--vs-label', 'none');
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^prefix against scratch twins: 11 architectures \(1 repeat apart\), median gain \+0\.0080 \[/m);
    expect(r.stdout).to.match(/^time to none's final best 0\.9372: prefix \d+\.\d s \(speedup \d+\.\d\dx\), none \d+\.\d s$/m);
    expect(r.stdout).to.contain('prefix vs none (secondary');
    expect(r.stdout).to.contain(join(runs.transfer, 'report.html'));
    expect(existsSync(join(runs.transfer, 'report.html'))).to.equal(true);
    expect(existsSync(join(runs.transfer, 'report.png'))).to.equal(true);
  });

  it('exits non-zero on a missing directory, an unknown flag or no directory', () => {
    for (const args of [[join(runs.root, 'missing')], [runs.transfer, '--colour', 'red'], [], [runs.transfer, '--png-scale', 'big']]) {
      const r = graft('report', ...args);
      expect(r.status, args.join(' ')).to.not.equal(0);
      expect(r.stderr, args.join(' ')).to.match(/graft report: .*\[ERR_/);
    }
  });
});
