// test/cluster/job-run.test.ts: the written job scripts run, under one-node fake launchers
// (srun, mpirun, mpiexec, jsrun) with the variables each scheduler sets: every rank gets its
// own GPU(s) through scripts/graft-rank.sh, the search flags arrive intact, and the search is
// given the time limit less the reserve.

import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const main = new URL('../../../dist/main.js', import.meta.url).pathname;
const fixtures = new URL('../../../test/fixtures/cluster/', import.meta.url).pathname;

interface RankLine {
  localRank: string | null;
  cuda: string | null;
  args: string[];
}

describe('job scripts under fake launchers', () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'graft-jobrun-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  /** Writes a script with graft submit --dry-run, then runs it as the scheduler would. */
  function runJob(submitArgs: string[], schedulerEnv: Record<string, string>, beforeRun?: (out: string) => void): { status: number | null; ranks: RankLine[]; stderr: string } {
    const out = join(root, 'run');
    const written = spawnSync(
      process.execPath,
      [main, 'submit', ...submitArgs, '--time', '01:00:00', '--out', out, '--dry-run', '--', '--space', 'mnist-mlp', '--data', 'a b'],
      { cwd: root, encoding: 'utf8' },
    );
    expect(written.status, written.stderr).to.equal(0);
    const script = readdirSync(out).find((name) => name.startsWith('graft-job.')) as string;
    beforeRun?.(out);
    const r = spawnSync('bash', [join(out, script)], {
      cwd: root,
      encoding: 'utf8',
      env: {
        PATH: `${join(fixtures, 'launchers')}:${process.env.PATH}`,
        HOME: root,
        FAKE_RANK_PROGRAM: join(fixtures, 'print-rank.mjs'),
        ...schedulerEnv,
      },
    });
    const ranks = r.stdout.trim() === '' ? [] : r.stdout.trim().split('\n').map((line) => JSON.parse(line) as RankLine);
    return { status: r.status, ranks, stderr: r.stderr };
  }

  function expectSearchArgs(rank: RankLine): void {
    const [command, ...rest] = rank.args;
    expect(command).to.equal('search');
    expect(rest.slice(0, 6)).to.deep.equal(['--space', 'mnist-mlp', '--data', 'a b', '--out', join(root, 'run')]);
    expect(rest[6]).to.equal('--walltime');
    // 3,600 s less the 180 s reserve, less the seconds the script itself took to get there.
    const walltime = Number(rest[7]);
    expect(walltime).to.be.at.most(3420).and.at.least(3300);
  }

  it('Slurm + srun: SLURM_LOCALID picks one of the node grant in CUDA_VISIBLE_DEVICES', () => {
    const job = runJob(['--scheduler', 'slurm', '--nodes', '2', '--gpus-per-node', '4'], {
      CUDA_VISIBLE_DEVICES: '0,1,2,3',
      SLURM_LOCALID: '0',
    });
    expect(job.status, job.stderr).to.equal(0);
    expect(job.ranks.map((r) => [r.localRank, r.cuda])).to.deep.equal([['0', '0'], ['1', '1'], ['2', '2'], ['3', '3']]);
    job.ranks.forEach(expectSearchArgs);
  });

  for (const [scheduler, layout, env] of [
    ['slurm', ['--ranks-per-node', '2'], { SLURM_RESTART_COUNT: '1' }],
    ['pbs', ['--gpus-per-node', '2'], {}],
    ['lsf', ['--gpus-per-node', '2'], {}],
  ] as const) {
    it(`${scheduler}: a requeued or rerun job (its journal already there) resumes the search instead of starting it again`, () => {
      const job = runJob(['--scheduler', scheduler, '--nodes', '1', ...layout], env, (out) => writeFileSync(join(out, 'journal.jsonl'), ''));
      expect(job.status, job.stderr).to.equal(0);
      expect(job.stderr).to.contain('resuming the search');
      expect(job.ranks).to.have.length(2);
      for (const rank of job.ranks) {
        const at = rank.args.indexOf('--resume');
        expect(at, rank.args.join(' ')).to.be.greaterThan(0);
        expect(rank.args[at + 1]).to.equal(join(root, 'run'));
      }
    });
  }

  it("Slurm + mpirun: the OpenMPI local rank wins over the batch step's SLURM_LOCALID", () => {
    const job = runJob(['--scheduler', 'slurm', '--launcher', 'mpirun', '--nodes', '1', '--gpus-per-node', '4'], {
      SLURM_JOB_GPUS: '4,5,6,7',
      SLURM_LOCALID: '0',
    });
    expect(job.status, job.stderr).to.equal(0);
    expect(job.ranks.map((r) => r.cuda)).to.deep.equal(['4', '5', '6', '7']);
  });

  it('PBS + mpiexec: no CUDA_VISIBLE_DEVICES from PBS, PALS_LOCAL_RANKID picks one of the 4 GPUs', () => {
    const job = runJob(['--scheduler', 'pbs', '--nodes', '1', '--gpus-per-node', '4'], {});
    expect(job.status, job.stderr).to.equal(0);
    expect(job.ranks.map((r) => r.cuda)).to.deep.equal(['0', '1', '2', '3']);
    job.ranks.forEach(expectSearchArgs);
  });

  it('LSF + jsrun: each resource set keeps the GPUs jsrun gave it', () => {
    const job = runJob(['--scheduler', 'lsf', '--nodes', '1', '--gpus-per-node', '6'], {});
    expect(job.status, job.stderr).to.equal(0);
    expect(job.ranks.map((r) => r.cuda)).to.deep.equal(['0', '1', '2', '3', '4', '5']);
    job.ranks.forEach(expectSearchArgs);
  });

  it('a CPU-only job hides every GPU from its ranks', () => {
    const job = runJob(['--scheduler', 'slurm', '--nodes', '1', '--ranks-per-node', '2'], { CUDA_VISIBLE_DEVICES: '0,1' });
    expect(job.status, job.stderr).to.equal(0);
    expect(job.ranks.map((r) => r.cuda)).to.deep.equal(['', '']);
  });

  it('a rank with no GPU left for it fails the job before graft starts, naming the problem', () => {
    const job = runJob(['--scheduler', 'slurm', '--nodes', '1', '--gpus-per-node', '4'], {
      CUDA_VISIBLE_DEVICES: '0,1',
      SLURM_LOCALID: '0',
    });
    expect(job.status).to.not.equal(0);
    expect(job.ranks.map((r) => r.cuda)).to.deep.equal(['0', '1']);
    expect(job.stderr).to.contain('[ERR_GPU_AFFINITY]');
  });
});
