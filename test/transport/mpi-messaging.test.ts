// test/transport/mpi-messaging.test.ts: real MPI ranks under mpirun: ping-pong integrity from
// 0 B to 64 MiB, borrowed messages taken back after their handler, sendInto/receiveInto into
// posted memory, and an 8-rank all-to-all storm delivered exactly once and in order.

import { expect } from 'chai';
import { mpirun } from '../helpers/mpirun.js';
import { fixture, requireMpi } from './mpi-shape.js';

describe('MpiTransport messaging (mpirun)', function () {
  this.timeout(120_000);
  before(function () {
    requireMpi(this);
  });

  it('echoes payloads of random sizes from 0 B to 64 MiB intact between 2 ranks', async () => {
    const r = await mpirun(2, fixture('pingpong'), { timeoutMs: 90_000 });
    expect(r.timedOut, r.stderr).to.equal(false);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/pingpong ok 21/);
  });

  it('lends borrowed messages intact to their handler and takes them back when it returns', async () => {
    const r = await mpirun(2, fixture('borrow'), { timeoutMs: 90_000 });
    expect(r.timedOut, r.stderr).to.equal(false);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/borrow ok 8/);
  });

  it('moves sendInto messages into receives posted before and after, and closes with one unclaimed', async () => {
    const r = await mpirun(2, fixture('posted'), { timeoutMs: 90_000 });
    expect(r.timedOut, r.stderr).to.equal(false);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout.split('\n').filter((l) => l.startsWith('posted ok')).sort()).to.deep.equal(['posted ok 0', 'posted ok 1']);
  });

  it('delivers an 8-rank all-to-all storm exactly once and in order per (source, tag)', async () => {
    const r = await mpirun(8, fixture('storm'), { timeoutMs: 90_000 });
    expect(r.timedOut, r.stderr).to.equal(false);
    expect(r.code, r.stderr).to.equal(0);
    const lines = r.stdout.split('\n').filter((line) => line.startsWith('storm ok'));
    expect(lines.map((line) => line.split(' ')[3])).to.deep.equal(new Array(8).fill(String(8 * 3 * 40)));
  });
});
