// test/cluster/gpu-affinity.test.ts: gpusForRank() and friends with invented scheduler
// environments: each rank gets its own GPU(s), never one the scheduler did not grant.

import { expect } from 'chai';
import { GpuAffinityError, gpusForRank, grantedGpus, localRankOf, rankEnvironment } from 'graft/cluster';
import type { Env } from 'graft/cluster';

function affinityError(env: Env): GpuAffinityError {
  try {
    gpusForRank(env);
  } catch (err) {
    expect(err).to.be.instanceOf(GpuAffinityError);
    expect((err as GpuAffinityError).code).to.equal('ERR_GPU_AFFINITY');
    return err as GpuAffinityError;
  }
  throw new Error(`no error for ${JSON.stringify(env)}`);
}

describe('localRankOf()', () => {
  it('reads the launcher named in GRAFT_LAUNCHER', () => {
    expect(localRankOf({ GRAFT_LAUNCHER: 'srun', SLURM_LOCALID: '3' })).to.equal(3);
    expect(localRankOf({ GRAFT_LAUNCHER: 'mpiexec', PALS_LOCAL_RANKID: '2' })).to.equal(2);
    expect(localRankOf({ GRAFT_LAUNCHER: 'jsrun', JSM_NAMESPACE_LOCAL_RANK: '5' })).to.equal(5);
    expect(localRankOf({ GRAFT_LAUNCHER: 'mpirun', OMPI_COMM_WORLD_LOCAL_RANK: '1' })).to.equal(1);
  });

  it("ignores the batch script's stale SLURM_LOCALID=0 under mpirun", () => {
    expect(localRankOf({ GRAFT_LAUNCHER: 'mpirun', SLURM_LOCALID: '0', OMPI_COMM_WORLD_LOCAL_RANK: '3' })).to.equal(3);
    expect(localRankOf({ SLURM_LOCALID: '0', OMPI_COMM_WORLD_LOCAL_RANK: '3' })).to.equal(3);
  });

  it('reads MPICH hydra and falls back to SLURM_LOCALID with no launcher named', () => {
    expect(localRankOf({ MPI_LOCALRANKID: '4' })).to.equal(4);
    expect(localRankOf({ SLURM_LOCALID: '6' })).to.equal(6);
    expect(localRankOf({})).to.equal(undefined);
  });

  it('refuses a local rank that is not a whole number', () => {
    expect(() => localRankOf({ SLURM_LOCALID: 'x' })).to.throw(GpuAffinityError);
  });
});

describe('grantedGpus()', () => {
  it('prefers CUDA_VISIBLE_DEVICES, then SLURM_STEP_GPUS, then SLURM_JOB_GPUS, then the requested count', () => {
    expect(grantedGpus({ CUDA_VISIBLE_DEVICES: '4,5', SLURM_STEP_GPUS: '4,5', SLURM_JOB_GPUS: '0,1,2,3,4,5' })).to.deep.equal({
      ids: ['4', '5'],
      source: 'CUDA_VISIBLE_DEVICES',
    });
    expect(grantedGpus({ SLURM_STEP_GPUS: '2,3', SLURM_JOB_GPUS: '0,1,2,3' })?.ids).to.deep.equal(['2', '3']);
    expect(grantedGpus({ SLURM_JOB_GPUS: '0,1' })?.source).to.equal('SLURM_JOB_GPUS');
    expect(grantedGpus({ GRAFT_GPUS_PER_NODE: '4' })?.ids).to.deep.equal(['0', '1', '2', '3']);
    expect(grantedGpus({})).to.equal(undefined);
  });

  it('reads an empty CUDA_VISIBLE_DEVICES, NoDevFiles and -1 as no GPUs at all', () => {
    expect(grantedGpus({ CUDA_VISIBLE_DEVICES: '', GRAFT_GPUS_PER_NODE: '4' })?.ids).to.deep.equal([]);
    expect(grantedGpus({ CUDA_VISIBLE_DEVICES: 'NoDevFiles' })?.ids).to.deep.equal([]);
    expect(grantedGpus({ CUDA_VISIBLE_DEVICES: '-1' })?.ids).to.deep.equal([]);
  });

  it('stops at the first invalid entry, as CUDA does', () => {
    expect(grantedGpus({ CUDA_VISIBLE_DEVICES: '2,3,-1,4' })?.ids).to.deep.equal(['2', '3']);
    expect(grantedGpus({ CUDA_VISIBLE_DEVICES: '1,,2' })?.ids).to.deep.equal(['1']);
  });
});

describe('gpusForRank()', () => {
  it('Slurm + srun: slices the node grant by SLURM_LOCALID', () => {
    const node = { GRAFT_LAUNCHER: 'srun', GRAFT_GPUS_PER_RANK: '1', CUDA_VISIBLE_DEVICES: '0,1,2,3' };
    expect([0, 1, 2, 3].map((r) => gpusForRank({ ...node, SLURM_LOCALID: String(r) }))).to.deep.equal([['0'], ['1'], ['2'], ['3']]);
  });

  it('Slurm with a partial node: only the granted physical GPUs, two per rank', () => {
    const node = { GRAFT_LAUNCHER: 'srun', GRAFT_GPUS_PER_RANK: '2', SLURM_JOB_GPUS: '4,5,6,7' };
    expect(gpusForRank({ ...node, SLURM_LOCALID: '0' })).to.deep.equal(['4', '5']);
    expect(gpusForRank({ ...node, SLURM_LOCALID: '1' })).to.deep.equal(['6', '7']);
  });

  it('Slurm + mpirun: the OpenMPI local rank, not the stale SLURM_LOCALID', () => {
    const env = {
      GRAFT_LAUNCHER: 'mpirun',
      GRAFT_GPUS_PER_RANK: '1',
      CUDA_VISIBLE_DEVICES: '0,1,2,3',
      SLURM_LOCALID: '0',
      OMPI_COMM_WORLD_LOCAL_RANK: '2',
    };
    expect(gpusForRank(env)).to.deep.equal(['2']);
  });

  it('PBS on Polaris: no CUDA_VISIBLE_DEVICES, the node has 4 GPUs, PALS_LOCAL_RANKID picks one', () => {
    const node = { GRAFT_LAUNCHER: 'mpiexec', GRAFT_GPUS_PER_NODE: '4', GRAFT_GPUS_PER_RANK: '1' };
    expect([0, 1, 2, 3].map((r) => gpusForRank({ ...node, PALS_LOCAL_RANKID: String(r) })?.[0])).to.deep.equal(['0', '1', '2', '3']);
  });

  it('LSF + jsrun: a resource set already narrowed to its GPU is kept as it is, at any local rank', () => {
    const env = { GRAFT_LAUNCHER: 'jsrun', GRAFT_GPUS_PER_RANK: '1', JSM_NAMESPACE_LOCAL_RANK: '5', CUDA_VISIBLE_DEVICES: '5' };
    expect(gpusForRank(env)).to.deep.equal(['5']);
  });

  it('keeps opaque ids (GPU UUIDs, MIG instances) as they are', () => {
    const env = { GRAFT_GPUS_PER_RANK: '1', SLURM_LOCALID: '1', CUDA_VISIBLE_DEVICES: 'GPU-aaa, MIG-bbb' };
    expect(gpusForRank(env)).to.deep.equal(['MIG-bbb']);
  });

  it('hides every GPU from a CPU-only job and leaves a job without GPU facts alone', () => {
    expect(gpusForRank({ GRAFT_GPUS_PER_RANK: '0', CUDA_VISIBLE_DEVICES: '0,1' })).to.deep.equal([]);
    expect(gpusForRank({ SLURM_LOCALID: '1' })).to.equal(undefined);
  });

  it('never widens: a rank past the end of the grant is an error, not a shared GPU', () => {
    const err = affinityError({ GRAFT_GPUS_PER_RANK: '1', SLURM_LOCALID: '4', CUDA_VISIBLE_DEVICES: '0,1,2,3' });
    expect(err.details).to.deep.include({ localRank: 4, source: 'CUDA_VISIBLE_DEVICES' });
  });

  it('never widens: fewer GPUs granted than a rank needs is an error', () => {
    affinityError({ GRAFT_GPUS_PER_RANK: '2', SLURM_LOCALID: '0', CUDA_VISIBLE_DEVICES: '3' });
    affinityError({ GRAFT_GPUS_PER_RANK: '1', SLURM_LOCALID: '0', CUDA_VISIBLE_DEVICES: '' });
  });

  it('refuses to guess a rank when the node grant is shared and no local rank is known', () => {
    affinityError({ GRAFT_GPUS_PER_RANK: '1', CUDA_VISIBLE_DEVICES: '0,1' });
  });

  it('refuses a malformed GRAFT_GPUS_PER_RANK', () => {
    affinityError({ GRAFT_GPUS_PER_RANK: 'two', CUDA_VISIBLE_DEVICES: '0,1' });
  });
});

describe('rankEnvironment()', () => {
  it('gives the variables the wrapper exports', () => {
    expect(rankEnvironment({ GRAFT_LAUNCHER: 'srun', SLURM_LOCALID: '1', GRAFT_GPUS_PER_RANK: '1', SLURM_JOB_GPUS: '6,7' })).to.deep.equal({
      GRAFT_LOCAL_RANK: '1',
      CUDA_VISIBLE_DEVICES: '7',
    });
    expect(rankEnvironment({})).to.deep.equal({});
  });
});
