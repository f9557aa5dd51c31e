// test/transport/mpi-failure.test.ts: bad input to the MPI transport is refused with typed
// errors while the ranks keep working; a rank that throws or is signalled ends the whole job
// non-zero; ranks that return without closing still leave cleanly.

import { expect } from 'chai';
import { mpirun } from '../helpers/mpirun.js';
import { fixture, requireMpi } from './mpi-shape.js';

describe('MpiTransport failures (mpirun)', function () {
  this.timeout(120_000);
  before(function () {
    requireMpi(this);
  });

  it('refuses bad input with typed errors and keeps working, then refuses use after close', async () => {
    const r = await mpirun(2, fixture('bad-input'), { timeoutMs: 60_000 });
    expect(r.timedOut, r.stderr).to.equal(false);
    expect(r.code, r.stderr).to.equal(0);
    const codes = 'ERR_RANK_OUT_OF_RANGE,ERR_INVALID_TAG,ERR_INVALID_PAYLOAD,ERR_REGION_BOUNDS,ERR_RANK_OUT_OF_RANGE,ERR_CLOSED,ERR_CLOSED';
    expect(r.stdout.split('\n').filter((line) => line.startsWith('bad-input ok')).sort()).to.deep.equal([
      `bad-input ok 0 ${codes}`,
      `bad-input ok 1 ${codes}`,
    ]);
  });

  it('ends the job with a non-zero exit when one rank throws, while the others wait for it', async () => {
    const r = await mpirun(4, fixture('throws'), { timeoutMs: 60_000 });
    expect(r.timedOut, 'mpirun hung after a rank threw').to.equal(false);
    expect(r.code).to.not.equal(0);
    expect(r.stderr).to.contain('rank 2 fails on purpose');
    expect(r.stdout).to.not.contain('passed a barrier');
  });

  it('ends the job with a non-zero exit when one rank gets SIGTERM', async () => {
    const r = await mpirun(3, fixture('signal'), { timeoutMs: 60_000 });
    expect(r.timedOut, 'mpirun hung after a rank was signalled').to.equal(false);
    expect(r.code).to.not.equal(0);
    expect(r.stdout).to.not.contain('passed a barrier');
  });

  it('finalizes at exit, with exit code 0, when ranks return without closing', async () => {
    const r = await mpirun(3, fixture('no-close'), { timeoutMs: 60_000 });
    expect(r.timedOut, r.stderr).to.equal(false);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout.split('\n').filter((line) => line.startsWith('no-close ok')).sort()).to.deep.equal([
      'no-close ok 0',
      'no-close ok 1',
      'no-close ok 2',
    ]);
  });
});
