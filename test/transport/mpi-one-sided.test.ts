// test/transport/mpi-one-sided.test.ts: one-sided reads between real MPI ranks: right bytes at
// offsets and at the edge, and typed errors for reads past the end or of released regions.

import { expect } from 'chai';
import { mpirun } from '../helpers/mpirun.js';
import { fixture, requireMpi } from './mpi-shape.js';

describe('MpiTransport#get() (mpirun)', function () {
  this.timeout(120_000);
  before(function () {
    requireMpi(this);
  });

  it('reads exposed regions of every rank, at offsets and at the edge, with typed errors past them', async () => {
    const r = await mpirun(3, fixture('one-sided'), { timeoutMs: 90_000 });
    expect(r.timedOut, r.stderr).to.equal(false);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout.split('\n').filter((line) => line.startsWith('one-sided ok')).sort()).to.deep.equal([
      'one-sided ok 0',
      'one-sided ok 1',
      'one-sided ok 2',
    ]);
  });
});
