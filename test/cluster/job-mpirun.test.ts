// test/cluster/job-mpirun.test.ts: a job script written by `graft submit` (Slurm, launcher
// mpirun, CPU-only, 2 ranks on one node) runs a real search on 2 real MPI ranks: the wrapper
// starts every rank, each rank trains, and the search receives the job's time budget.
// Shape: 2 ranks under OpenMPI's mpirun; skipped where mpirun or the MPI addon is missing.

import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasMpiAddon, hasMpirun, mpiEnv } from '../helpers/mpirun.js';

const main = new URL('../../../dist/main.js', import.meta.url).pathname;
const kTimeoutMs = 120_000;

/** Runs the script in its own process group, killed whole if it outlives the timeout. */
function runBounded(script: string, cwd: string): Promise<{ code: number | null; output: string }> {
  const child = spawn('bash', [script], {
    cwd,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Allow 2 ranks on a 1-core machine too, as --oversubscribe would.
    env: { ...process.env, ...mpiEnv, OMPI_MCA_rmaps_base_oversubscribe: '1' },
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      try {
        process.kill(-(child.pid as number), 'SIGKILL');
      } catch {
        // Already gone.
      }
    }, kTimeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('a written Slurm job script under real mpirun (2 ranks)', function () {
  this.timeout(kTimeoutMs + 10_000);
  let root: string;

  before(function () {
    if (!hasMpirun() || !hasMpiAddon()) this.skip();
  });
  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'graft-jobmpi-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('runs the search on both ranks and gives it the walltime budget', async () => {
    const out = join(root, 'run');
    const written = spawnSync(
      process.execPath,
      [
        main, 'submit', '--scheduler', 'slurm', '--launcher', 'mpirun', '--nodes', '1', '--ranks-per-node', '2',
        '--cpus-per-rank', '1', '--time', '00:10:00', '--out', out, '--dry-run',
        '--', '--space', 'mnist-mlp', '--data', 'synthetic', '--max-evals', '4', '--population', '2', '--sample', '1',
        '--train-size', '200', '--val-size', '100', '--no-progress',
      ],
      { cwd: root, encoding: 'utf8' },
    );
    expect(written.status, written.stderr).to.equal(0);
    const job = await runBounded(join(out, 'graft-job.sbatch'), root);
    expect(job.code, job.output).to.equal(0);
    const records = readFileSync(join(out, 'journal.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { kind: string; rank?: number });
    const evaluations = records.filter((r) => r.kind === 'evaluation');
    expect(evaluations).to.have.length(4);
    expect(new Set(evaluations.map((r) => r.rank))).to.deep.equal(new Set([0, 1]));
    // 600 s less the 60 s reserve, less the seconds before launch.
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')) as { walltime: number };
    expect(config.walltime).to.be.at.most(540).and.at.least(480);
  });
});
