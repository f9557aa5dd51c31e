// test/cluster/job-script.test.ts: renderJobScript() for each scheduler: the script is valid
// bash and holds the directives and launch layout its inputs ask for.

import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { TemplateError, fillTemplate, renderJobScript, resolveJobSpec } from 'graft/cluster';
import type { JobOptions } from 'graft/cluster';

const installation = { graftHome: '/opt/graft', nodeBin: '/opt/node-20/bin/node' };

function render(options: Partial<JobOptions>): string {
  const spec = resolveJobSpec({
    scheduler: 'slurm',
    nodes: 3,
    gpusPerNode: 4,
    time: '02:15:30',
    account: 'CSC123',
    queue: 'prod',
    outDir: '/lus/me/run7',
    workDir: '/home/me/work',
    searchArgs: ['--space', 'mnist-mlp', '--data', 'data dir/it\'s here', '--max-evals', '200'],
    ...options,
  });
  return renderJobScript(spec, installation).text;
}

function expectValidBash(text: string): void {
  const r = spawnSync('bash', ['-n'], { input: text, encoding: 'utf8' });
  expect(r.stderr, 'bash -n').to.equal('');
  expect(r.status).to.equal(0);
}

function directives(text: string, prefix: string): string[] {
  return text.split('\n').filter((line) => line.startsWith(prefix + ' '));
}

describe('renderJobScript()', () => {
  it('Slurm: nodes, tasks, cores, GPUs, time, account, partition, output; srun with the full layout', () => {
    const text = render({});
    expectValidBash(text);
    expect(directives(text, '#SBATCH')).to.deep.equal([
      '#SBATCH --job-name=graft',
      '#SBATCH --nodes=3',
      '#SBATCH --ntasks-per-node=4',
      '#SBATCH --cpus-per-task=8',
      '#SBATCH --gpus-per-node=4',
      '#SBATCH --time=02:15:30',
      '#SBATCH --account=CSC123',
      '#SBATCH --partition=prod',
      '#SBATCH --output=/lus/me/run7/slurm-%j.out',
      '#SBATCH --requeue',
      '#SBATCH --signal=B:USR1@406',
      '#SBATCH --open-mode=append',
    ]);
    expect(text).to.contain('srun --mpi="${GRAFT_SRUN_MPI:-pmix}" --nodes=3 --ntasks=12 --ntasks-per-node=4');
    expect(text).to.contain('export GRAFT_LAUNCHER=srun');
    expect(text).to.contain('export GRAFT_GPUS_PER_RANK=1');
    expect(text).to.contain('walltime=$(( 8130 - 406 - SECONDS ))');
    expect(text).to.contain(`--data 'data dir/it'\\''s here'`);
    expect(text).to.contain('--out /lus/me/run7 --walltime "$walltime")');
    expect(text).to.contain('exec "$graft_home/scripts/graft-launch.sh" "$out_dir" "${launcher[@]}" -- "${search[@]}"');
  });

  it('Slurm with mpirun: the OpenMPI mapping of ranks per node and cores per rank', () => {
    const text = render({ launcher: 'mpirun', ranksPerNode: 4, cpusPerRank: 16 });
    expectValidBash(text);
    expect(text).to.contain('export GRAFT_LAUNCHER=mpirun');
    expect(text).to.contain('export GRAFT_GPUS_PER_RANK=1');
    expect(text).to.contain('mpirun -n 12 --map-by ppr:4:node:PE=16 --bind-to core');
  });

  it('Slurm, CPU-only and without account or queue: no GPU, account or partition directive', () => {
    const text = render({ gpusPerNode: 0, ranksPerNode: 2, account: undefined, queue: undefined });
    expectValidBash(text);
    const lines = directives(text, '#SBATCH').join('\n');
    expect(lines).not.to.match(/--gpus|--account|--partition/);
    expect(text).to.contain('export GRAFT_GPUS_PER_RANK=0');
  });

  it('PBS: select with ranks and GPUs, walltime, -A, -q; mpiexec with --ppn, --depth and --cpu-bind', () => {
    const text = render({ scheduler: 'pbs', cpusPerRank: 8 });
    expectValidBash(text);
    expect(directives(text, '#PBS')).to.deep.equal([
      '#PBS -N graft',
      '#PBS -l select=3:mpiprocs=4:ngpus=4',
      '#PBS -l place=scatter',
      '#PBS -l walltime=02:15:30',
      '#PBS -A CSC123',
      '#PBS -q prod',
      '#PBS -j oe',
      '#PBS -o /lus/me/run7/',
      '#PBS -r y',
    ]);
    expect(text).to.contain('mpiexec -n 12 --ppn 4 --depth 8 --cpu-bind depth');
    expect(text).to.contain('cd /home/me/work');
  });

  it('LSF: -nnodes, -W in whole minutes, -P, -q; jsrun with one resource set per rank', () => {
    const text = render({ scheduler: 'lsf', gpusPerNode: 6, ranksPerNode: 6, cpusPerRank: 7 });
    expectValidBash(text);
    expect(directives(text, '#BSUB')).to.deep.equal([
      '#BSUB -J graft',
      '#BSUB -nnodes 3',
      '#BSUB -W 02:15',
      '#BSUB -P CSC123',
      '#BSUB -q prod',
      '#BSUB -o /lus/me/run7/lsf-%J.out',
      '#BSUB -e /lus/me/run7/lsf-%J.err',
      '#BSUB -r',
      '#BSUB -wa USR1',
      // The 405 s reserve, rounded up to whole minutes.
      '#BSUB -wt 7',
    ]);
    expect(text).to.contain('jsrun --nrs 18 --tasks_per_rs 1 --cpu_per_rs 7 --gpu_per_rs 1');
    expect(text).to.contain('--rs_per_host 6 --bind packed:7');
    // The search's budget comes from the minutes LSF grants, not the seconds asked for.
    expect(text).to.contain('walltime=$(( 8100 - 405 - SECONDS ))');
  });

  it('puts the --setup lines in the site setup block', () => {
    const text = render({ setup: 'module load nodejs/20\nmodule load cray-mpich\n\n' });
    expectValidBash(text);
    expect(text).to.contain('module load nodejs/20\nmodule load cray-mpich\n# ---- end of site setup ----');
  });
});

describe('fillTemplate()', () => {
  it('fills every placeholder', () => {
    expect(fillTemplate('t', 'a={{A}} b={{B_2}} a={{A}}', { A: '1', B_2: 'x' })).to.equal('a=1 b=x a=1');
  });

  it('refuses a placeholder with no value and a value with no placeholder', () => {
    for (const [text, values] of [
      ['{{A}} {{B}}', { A: '1' }],
      ['{{A}}', { A: '1', C: '2' }],
    ] as const) {
      let caught: unknown;
      try {
        fillTemplate('t', text, values);
      } catch (err) {
        caught = err;
      }
      expect(caught).to.be.instanceOf(TemplateError);
      expect((caught as TemplateError).code).to.equal('ERR_JOB_TEMPLATE');
    }
  });
});
