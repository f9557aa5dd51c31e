// test/transport/mpi-one-sided.test.ts: one-sided reads between real MPI ranks: right bytes at
// offsets and at the edge, and typed errors for reads past the end or of released regions; once
// by cross-memory attach (ranks on one node, the default) and once over MPI alone.

import { expect } from 'chai';
import { mpirun } from '../helpers/mpirun.js';
import { fixture, requireMpi } from './mpi-shape.js';

describe('MpiTransport#get() (mpirun)', function () {
  this.timeout(120_000);
  before(function () {
    requireMpi(this);
  });

  for (const [path, env, direct] of [
    ['by cross-memory attach', {}, 3],
    ['over MPI (GRAFT_DIRECT_READS=0)', { GRAFT_DIRECT_READS: '0' }, 0],
  ] as const) {
    it(`reads exposed regions of every rank ${path}, at offsets and at the edge, with typed errors past them`, async () => {
      const r = await mpirun(3, fixture('one-sided'), { timeoutMs: 90_000, env });
      expect(r.timedOut, r.stderr).to.equal(false);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout.split('\n').filter((line) => line.startsWith('one-sided ok')).sort()).to.deep.equal(
        [0, 1, 2].map((rank) => `one-sided ok ${rank} direct ${direct}`),
      );
    });
  }
});
