// test/cli/run-cli.test.ts: the command dispatcher: help, unknown commands, exit codes.

import { expect } from 'chai';
import { execFileSync, spawnSync } from 'node:child_process';

const main = new URL('../../../dist/main.js', import.meta.url).pathname;

describe('graft (command line)', () => {
  it('lists the commands with --help and exits 0', () => {
    const out = execFileSync(process.execPath, [main, '--help'], { encoding: 'utf8' });
    expect(out).to.contain('doctor');
  });

  it('rejects an unknown command with exit code 2 and names it', () => {
    const r = spawnSync(process.execPath, [main, 'frobnicate'], { encoding: 'utf8' });
    expect(r.status).to.equal(2);
    expect(r.stderr).to.contain('frobnicate');
  });
});
