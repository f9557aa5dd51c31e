// The same rank script under two shapes. Under real `mpirun -n 8`: every rank's entry reaches
// every rank by gossip, and each rank fetches its neighbour's layers one-sided, byte for byte.
// As one local rank (no launcher): the store serves its own layers from memory.

import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hasMpiAddon, hasMpirun, mpirun } from '../helpers/mpirun.js';

const script = fileURLToPath(new URL('../fixtures/store/gossip-rank.js', import.meta.url));

function rankLines(stdout: string): Array<Record<string, unknown>> {
  return stdout.split('\n').filter((l) => l.startsWith('RANK ')).map((l) => JSON.parse(l.slice(5)) as Record<string, unknown>);
}

describe('gossip and fetch as one local rank', () => {
  it('stores and fetches its own layers from memory', function () {
    this.timeout(60_000);
    const spillDir = mkdtempSync(join(tmpdir(), 'graft-store-local-'));
    try {
      const run = spawnSync(process.execPath, [script, spillDir], { encoding: 'utf8', timeout: 50_000 });
      expect(run.status, run.stderr).to.equal(0);
      expect(rankLines(run.stdout)).to.deep.equal([{ rank: 0, size: 1, converged: true, rounds: 0, donor: 'm0', exact: true, source: 'local' }]);
    } finally {
      rmSync(spillDir, { recursive: true, force: true });
    }
  });
});

describe('gossip and fetch under mpirun -n 8 (skipped where mpirun or the MPI addon is missing)', function () {
  before(function () {
    // Skipped, with the reason, where MPI or graft's MPI addon is not installed.
    if (!hasMpirun()) this.skip();
    if (!hasMpiAddon()) this.skip();
  });

  it('converges on 8 ranks and fetches across ranks byte for byte', async function () {
    this.timeout(90_000);
    const spillDir = mkdtempSync(join(tmpdir(), 'graft-store-mpi-'));
    try {
      const run = await mpirun(8, script, { args: [spillDir], timeoutMs: 80_000 });
      expect(run.timedOut, run.stdout + run.stderr).to.equal(false);
      expect(run.code, run.stdout + run.stderr).to.equal(0);
      const ranks = rankLines(run.stdout);
      expect(ranks).to.have.length(8);
      for (const r of ranks) {
        expect(r, JSON.stringify(r)).to.include({ converged: true, exact: true, source: 'peer', donor: `m${((r.rank as number) + 1) % 8}` });
      }
    } finally {
      rmSync(spillDir, { recursive: true, force: true });
    }
  });
});
