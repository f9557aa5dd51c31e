// test/cli/doctor.test.ts: `graft doctor` prints one JSON line per rank, alone and
// under mpirun (rank 0 prints every rank's line, in rank order), and a rank bound to a single
// core of several is warned.

import { expect } from 'chai';
import { cpus } from 'node:os';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mpirun } from '../helpers/mpirun.js';
import { requireMpi } from '../transport/mpi-shape.js';

const main = fileURLToPath(new URL('../../../dist/main.js', import.meta.url));

describe('graft doctor', function () {
  this.timeout(120_000);

  it('prints one local line when run alone', () => {
    const env = { ...process.env };
    for (const name of ['OMPI_COMM_WORLD_SIZE', 'PMI_SIZE', 'PMIX_RANK']) delete env[name];
    const lines = execFileSync(process.execPath, [main, 'doctor'], { encoding: 'utf8', env }).trim().split('\n');
    expect(lines).to.have.length(1);
    const line = JSON.parse(lines[0]!);
    expect(line).to.include({ rank: 0, size: 1, localRank: 0, transport: 'local', mpi: 'local', node: process.version });
    expect(line.backends).to.include('cpu');
  });

  it('prints a line for every rank, in rank order, under mpirun -n 4', async function () {
    requireMpi(this);
    const r = await mpirun(4, main, { args: ['doctor'], timeoutMs: 90_000 });
    expect(r.timedOut, r.stderr).to.equal(false);
    expect(r.code, r.stderr).to.equal(0);
    const lines = r.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(lines.map((line) => line.rank)).to.deep.equal([0, 1, 2, 3]);
    for (const line of lines) {
      expect(line).to.include({ size: 4, transport: 'mpi', cores: cpus().length, directReadRanks: 4 });
      expect(line.threadLevel).to.match(/^MPI_THREAD_/);
      expect(line.localSize).to.equal(4);
      // Progress threads spread over the node's cores by local rank.
      expect(line.progressCore).to.equal(cpus().length > 1 ? line.localRank % cpus().length : null);
    }
    expect(r.stderr).not.to.contain('GRAFT_ONE_CORE');
  });

  it('warns each rank the launcher bound to a single core of several', async function () {
    requireMpi(this);
    if (cpus().length < 2) this.skip();
    const r = await mpirun(2, main, { args: ['doctor'], timeoutMs: 90_000, mpirunArgs: ['--bind-to', 'core'] });
    expect(r.code, r.stderr).to.equal(0);
    const lines = r.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(lines.map((line) => [line.cores, line.progressCore])).to.deep.equal([[1, null], [1, null]]);
    expect(r.stderr.match(/GRAFT_ONE_CORE/g)).to.have.length(2);
  });
});
