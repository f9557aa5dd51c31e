// test/transport/local.test.ts: the one-rank LocalTransport and the factory's choice of
// transport from the launcher's environment.

import { expect } from 'chai';
import { LocalTransport, launchedByMpi, launcherTasks, launchMismatch, openTransport } from 'graft/transport';

describe('LocalTransport', () => {
  it('is rank 0 of 1 and reports itself as local', () => {
    const t = new LocalTransport();
    expect([t.rank, t.size, t.info.kind, t.info.library, t.info.threadLevel]).to.deep.equal([0, 1, 'local', 'local', 'local']);
  });

  it('sends to itself and runs trivial collectives', async () => {
    const t = new LocalTransport();
    const got = new Promise<Uint8Array>((resolve) => t.subscribe(4, (_s, bytes) => resolve(bytes)));
    await t.send(0, 4, new Uint8Array([1, 2, 3]));
    expect([...(await got)]).to.deep.equal([1, 2, 3]);
    await t.barrier();
    expect((await t.allgather(new Uint8Array([5]))).map((b) => [...b])).to.deep.equal([[5]]);
    expect([...(await t.broadcast(0, new Uint8Array([6])))]).to.deep.equal([6]);
    await t.close();
  });
});

describe('openTransport() / launchedByMpi()', () => {
  it('recognises OpenMPI, PMI and PMIx launchers', () => {
    expect(launchedByMpi({})).to.equal(false);
    expect(launchedByMpi({ OMPI_COMM_WORLD_SIZE: '4' })).to.equal(true);
    expect(launchedByMpi({ PMI_SIZE: '4' })).to.equal(true);
    expect(launchedByMpi({ PMIX_RANK: '0' })).to.equal(true);
  });

  it('refuses tasks a launcher started together that MPI did not join, naming the fix', () => {
    // srun without an MPI plugin: two tasks, no PMI variable, each alone.
    const srun = { SLURM_STEP_NUM_TASKS: '2', SLURM_NTASKS: '2', SLURM_PROCID: '1' };
    expect(launcherTasks(srun)).to.equal(2);
    expect(launchMismatch(1, srun)).to.match(/--mpi=pmix/);
    expect(launchMismatch(2, srun)).to.equal(null);
    expect(launchMismatch(1, { SLURM_STEP_NUM_TASKS: '1' })).to.equal(null);
    expect(launchMismatch(1, {})).to.equal(null);
    expect(launchMismatch(1, { OMPI_COMM_WORLD_SIZE: '4' })).to.match(/4 tasks/);
    // A batch script's own variables (no step) say nothing about tasks started together.
    expect(launchMismatch(1, { SLURM_NTASKS: '8' })).to.equal(null);
  });

  it('opens a LocalTransport when no launcher started the process', async function () {
    if (launchedByMpi()) this.skip(); // the suite itself runs under mpirun
    const t = await openTransport();
    expect(t).to.be.instanceOf(LocalTransport);
    await t.close();
  });
});
