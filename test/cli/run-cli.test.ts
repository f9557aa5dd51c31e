// test/cli/run-cli.test.ts: the command dispatcher: help, unknown commands, exit codes, and a
// bad argument under mpirun reported once, not once per rank.

import { expect } from 'chai';
import { execFileSync, spawnSync } from 'node:child_process';
import { hasMpiAddon, hasMpirun, mpirun } from '../helpers/mpirun.js';

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

  it('reports a bad option once under mpirun -n 3, from rank 0, and fails the job', async function () {
    if (!hasMpirun() || !hasMpiAddon()) this.skip();
    this.timeout(60_000);
    const r = await mpirun(3, main, { args: ['search', '--no-such-option'], timeoutMs: 50_000 });
    expect(r.code).to.not.equal(0);
    expect(r.stderr.match(/unknown option --no-such-option/g)).to.have.length(1);
  });
});
