// Under real `mpirun -n 8`: every rank's entry reaches every rank by gossip, and each rank
// fetches its neighbour's layers one-sided, byte for byte.

import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hasMpiAddon, hasMpirun, mpirun } from '../helpers/mpirun.js';

const script = fileURLToPath(new URL('../fixtures/store/gossip-rank.js', import.meta.url));

describe('gossip and fetch under mpirun -n 8', function () {
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
      expect(run.timedOut, run.stderr).to.equal(false);
      expect(run.code, run.stderr).to.equal(0);
      const ranks = run.stdout.split('\n').filter((l) => l.startsWith('RANK ')).map((l) => JSON.parse(l.slice(5)) as Record<string, unknown>);
      expect(ranks).to.have.length(8);
      for (const r of ranks) {
        expect(r, JSON.stringify(r)).to.include({ converged: true, exact: true, source: 'peer', donor: `m${((r.rank as number) + 1) % 8}` });
      }
    } finally {
      rmSync(spillDir, { recursive: true, force: true });
    }
  });
});
