// The runtime under real MPI: `mpirun -n 4` runs one script on four ranks (see
// test/fixtures/runtime/mpi-job.ts); rank 0 reports each behaviour it saw.

import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import { hasMpiAddon, hasMpirun, mpirun, type MpirunResult } from '../helpers/mpirun.js';

const script = fileURLToPath(new URL('../fixtures/runtime/mpi-job.js', import.meta.url));

describe('runtime: under mpirun -n 4', function () {
  let result: MpirunResult;
  const checks = new Map<string, unknown>();

  before(async function () {
    if (!hasMpirun()) return this.skip(); // shape: needs `mpirun` on PATH
    if (!hasMpiAddon()) return this.skip(); // shape: needs the MPI addon (npm run build:native)
    this.timeout(150_000);
    result = await mpirun(4, script, { timeoutMs: 120_000 });
    for (const line of result.stdout.split('\n')) {
      const match = /^CHECK (\S+) (.*)$/.exec(line);
      if (match) checks.set(match[1]!, JSON.parse(match[2]!));
    }
  });

  it('runs to a clean shutdown of all four ranks', () => {
    expect(result.timedOut, result.stderr).to.equal(false);
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout).to.include('SHUTDOWN 0');
    for (const rank of [1, 2, 3]) expect(result.stdout).to.include(`SERVED ${rank}`);
    expect(checks.get('size')).to.equal(4);
  });

  it('calls an actor on rank 1 from rank 0, from an actor on rank 2, and by name from rank 3', () => {
    expect(checks.get('rank1-from-rank0')).to.deep.equal({ rank: 1, value: 1 });
    expect(checks.get('rank1-from-actor-on-rank2')).to.deep.equal({ rank: 2, value: 11 });
    expect(checks.get('named-from-rank3')).to.equal(11);
    expect(checks.get('handle-returned')).to.equal(101);
  });

  it('keeps per-caller order and brings errors back with the remote stack and rank', () => {
    expect(checks.get('order')).to.equal(true);
    expect(checks.get('remote-error')).to.deep.include({ name: 'RangeError', message: 'far', stackNamesRank: true });
    expect((checks.get('remote-error') as { origin: { rank: number } }).origin.rank).to.equal(1);
  });

  it('reports a death and serves the restarted actor', () => {
    expect(checks.get('died')).to.equal('ActorDiedError');
    expect(checks.get('restarted')).to.deep.equal({ rank: 1, incarnation: 1 });
  });

  it('shares ref memory on a rank, fetches refs across ranks, bounds the store, refuses impossible placements', () => {
    expect(checks.get('zero-copy-same-rank')).to.deep.equal([5, 5, 5, 5]);
    expect(checks.get('ref-from-rank3')).to.equal(20);
    expect(checks.get('store-bound')).to.equal('ObjectStoreFullError');
    expect(checks.get('placement')).to.equal('PlacementError');
    expect(checks.get('status')).to.deep.equal({ ranks: 4, actorRanks: [0, 1, 2, 3] });
  });

  it('reaches its own rank’s service, aborts a call across ranks, resends calls a dying actor never began', () => {
    expect(checks.get('rank-service')).to.equal(2);
    expect(checks.get('abort-across-ranks')).to.deep.equal({ caller: 'AbortError', actor: ['x'] });
    expect(checks.get('unbegun-across-ranks')).to.deep.equal({ exit: 'ActorDiedError', unbegun: 8 });
  });
});
