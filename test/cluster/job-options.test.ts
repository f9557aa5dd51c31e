// test/cluster/job-options.test.ts: resolveJobSpec, the door for a batch job's options: every
// bad value is refused with its own class and code, and good values come back complete.

import { expect } from 'chai';
import { InvalidArgumentError } from 'graft';
import {
  InvalidJobOptionError,
  InvalidWalltimeError,
  RankLayoutError,
  UnknownSchedulerError,
  resolveJobSpec,
} from 'graft/cluster';
import type { JobOptions } from 'graft/cluster';

const good: JobOptions = {
  scheduler: 'slurm',
  nodes: '2',
  gpusPerNode: '4',
  time: '01:30:00',
  account: 'proj-1',
  queue: 'gpu',
  outDir: '/scratch/me/run1',
  workDir: '/home/me',
  searchArgs: ['--space', 'mnist-mlp', '--max-evals', '64'],
};

function refused(options: Partial<JobOptions>): Error {
  try {
    resolveJobSpec({ ...good, ...options });
  } catch (err) {
    return err as Error;
  }
  throw new Error(`accepted ${JSON.stringify(options)}`);
}

describe('resolveJobSpec()', () => {
  it('fills defaults: one rank per GPU, 8 cores per rank, srun on Slurm, --out appended to the search flags', () => {
    const spec = resolveJobSpec(good);
    expect(spec).to.deep.include({
      scheduler: 'slurm',
      launcher: 'srun',
      nodes: 2,
      gpusPerNode: 4,
      ranksPerNode: 4,
      gpusPerRank: 1,
      cpusPerRank: 8,
      ranks: 8,
      walltimeSeconds: 5400,
      account: 'proj-1',
      queue: 'gpu',
      jobName: 'graft',
      outDir: '/scratch/me/run1',
    });
    expect(spec.searchArgs).to.deep.equal(['--space', 'mnist-mlp', '--max-evals', '64', '--out', '/scratch/me/run1']);
  });

  it('gives a CPU-only job one rank per node and no GPUs', () => {
    const spec = resolveJobSpec({ ...good, gpusPerNode: undefined });
    expect(spec).to.deep.include({ gpusPerNode: 0, ranksPerNode: 1, gpusPerRank: 0, ranks: 2 });
  });

  it('runs one rank per GPU: 4 GPUs over 2 ranks is refused, naming the fix', () => {
    expect(resolveJobSpec({ ...good }).gpusPerRank).to.equal(1);
    expect(() => resolveJobSpec({ ...good, ranksPerNode: 2 })).to.throw(RankLayoutError).with.property('code', 'ERR_RANK_LAYOUT');
  });

  it('takes the output directory from the search flags, relative to the working directory', () => {
    const spec = resolveJobSpec({ ...good, outDir: undefined, searchArgs: ['--out=runs/a', '--space', 'x'] });
    expect(spec.outDir).to.equal('/home/me/runs/a');
    expect(spec.searchArgs).to.deep.equal(['--space', 'x', '--out', '/home/me/runs/a']);
  });

  it("takes the output directory from the search's --resume DIR, and passes --out DIR with it", () => {
    const spec = resolveJobSpec({ ...good, outDir: undefined, searchArgs: ['--resume', 'runs/a', '--max-evals', '500'] });
    expect(spec.outDir).to.equal('/home/me/runs/a');
    expect(spec.searchArgs).to.deep.equal(['--resume', 'runs/a', '--max-evals', '500', '--out', '/home/me/runs/a']);
  });

  for (const [label, options] of [
    ['nodes 0', { nodes: '0' }],
    ['nodes -1', { nodes: '-1' }],
    ['nodes 2.5', { nodes: '2.5' }],
    ['nodes "two"', { nodes: 'two' }],
    ['nodes 1e3', { nodes: '1e3' }],
    ['gpus-per-node 65', { gpusPerNode: '65' }],
    ['ranks-per-node 0', { ranksPerNode: 0 }],
    ['cpus-per-rank 0', { cpusPerRank: '0' }],
    ['an account with a space', { account: 'my proj' }],
    ['an account with a semicolon', { account: 'p;rm -rf' }],
    ['a queue with a newline', { queue: 'gpu\n#SBATCH --nodes=99' }],
    ['a job name starting with a digit', { jobName: '1job' }],
    ['an output directory with a space', { outDir: '/scratch/my run' }],
    ['mpiexec on Slurm', { launcher: 'mpiexec' }],
    ['--walltime among the search flags', { searchArgs: ['--walltime', '100'] }],
    ['--walltime= among the search flags', { searchArgs: ['--walltime=100'] }],
    ['no output directory at all', { outDir: undefined }],
    ['two different output directories', { searchArgs: ['--out', '/elsewhere'] }],
    ['resuming a run other than --out', { searchArgs: ['--resume', '/scratch/me/run0'] }],
  ] as const) {
    it(`refuses ${label} with ERR_INVALID_JOB_OPTION`, () => {
      const err = refused(options as Partial<JobOptions>);
      expect(err).to.be.instanceOf(InvalidJobOptionError).and.instanceOf(InvalidArgumentError);
      expect((err as InvalidJobOptionError).code).to.equal('ERR_INVALID_JOB_OPTION');
    });
  }

  it('refuses an unknown scheduler with ERR_UNKNOWN_SCHEDULER', () => {
    const err = refused({ scheduler: 'sge' });
    expect(err).to.be.instanceOf(UnknownSchedulerError);
    expect((err as UnknownSchedulerError).code).to.equal('ERR_UNKNOWN_SCHEDULER');
    expect((err as UnknownSchedulerError).details).to.deep.include({ option: 'scheduler', value: 'sge' });
  });

  it('refuses the time 25:61:00 with ERR_INVALID_WALLTIME', () => {
    const err = refused({ time: '25:61:00' });
    expect(err).to.be.instanceOf(InvalidWalltimeError);
    expect((err as InvalidWalltimeError).code).to.equal('ERR_INVALID_WALLTIME');
  });

  for (const [label, options] of [
    ['more ranks than GPUs', { ranksPerNode: '8' }],
    ['GPUs that do not divide evenly', { gpusPerNode: '6', ranksPerNode: '4' }],
    ['two GPUs per rank on PBS, which runs one rank per GPU', { scheduler: 'pbs', ranksPerNode: '2' }],
    ['more ranks than GPUs on PBS', { scheduler: 'pbs', ranksPerNode: '5' }],
  ] as const) {
    it(`refuses ${label} with ERR_RANK_LAYOUT`, () => {
      const err = refused(options as Partial<JobOptions>);
      expect(err).to.be.instanceOf(RankLayoutError);
      expect((err as RankLayoutError).code).to.equal('ERR_RANK_LAYOUT');
    });
  }

  it('accepts any number of ranks per node on a CPU-only PBS job', () => {
    expect(resolveJobSpec({ ...good, scheduler: 'pbs', gpusPerNode: 0, ranksPerNode: 3 }).ranks).to.equal(6);
  });
});
