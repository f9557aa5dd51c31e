// test/cluster/slurm-real.test.ts: `graft submit --scheduler slurm` against a real one-node
// Slurm (scripts/slurm-local.sh): srun joins the ranks into one MPI job, a srun without the MPI
// plugin is refused instead of running ranks alone, and a job warned with USR1, requeued after
// its graceful stop and requeued again while it runs finishes the search with every candidate
// recorded once. Skipped where Slurm is not installed or the user is not root, unless
// GRAFT_REQUIRE_SLURM=1 (CI) makes that a failure.

import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('../../../', import.meta.url).pathname;
const main = join(root, 'dist/main.js');
const slurmLocal = join(root, 'scripts/slurm-local.sh');

interface JobInfo {
  state: string;
  restarts: number;
  exitCode: string;
}

function run(command: string, args: string[], env: Record<string, string> = {}): string {
  const r = spawnSync(command, args, { encoding: 'utf8', env: { ...process.env, ...env } });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${r.status}): ${r.stderr}${r.stdout}`);
  return r.stdout;
}

function slurmAvailable(): string | null {
  if (process.getuid?.() !== 0) return 'the Slurm daemons need root';
  const missing = ['slurmctld', 'slurmd', 'munged', 'sbatch'].filter((cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status !== 0);
  return missing.length > 0 ? `not installed: ${missing.join(', ')} (apt-get install slurm-wlm munge)` : null;
}

function jobInfo(id: string): JobInfo {
  const line = run('scontrol', ['show', 'job', '-o', id]);
  const field = (name: string): string => new RegExp(`\\b${name}=(\\S+)`).exec(line)?.[1] ?? '';
  return { state: field('JobState'), restarts: Number(field('Restarts')), exitCode: field('ExitCode') };
}

async function waitFor<T>(what: string, seconds: number, probe: () => T | undefined): Promise<T> {
  const until = Date.now() + seconds * 1000;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out after ${seconds} s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Waits for the job's run number `restarts` to be in one of `states`. */
function waitForState(id: string, states: string[], seconds: number, restarts = 0): Promise<JobInfo> {
  return waitFor(`job ${id} (restart ${restarts}) to reach ${states.join('/')}`, seconds, () => {
    const info = jobInfo(id);
    return info.restarts === restarts && states.includes(info.state) ? info : undefined;
  });
}

/** Journal records of one kind, in order. */
function journal(out: string, kind: string): Array<Record<string, unknown>> {
  const file = join(out, 'journal.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((record) => record.kind === kind);
}

/**
 * Requeues a job and lets it start as soon as the node has cleaned up after it, instead of after
 * Slurm's requeue delay (slurmd refuses to launch a job it is still killing).
 */
async function requeueNow(id: string, restarts: number): Promise<void> {
  run('scontrol', ['requeue', id]);
  await waitForState(id, ['PENDING'], 60, restarts);
  await waitFor('the node to be idle', 120, () => (run('sinfo', ['--noheader', '--Node', '--format=%T']).trim() === 'idle' ? true : undefined));
  await new Promise((resolve) => setTimeout(resolve, 3000));
  run('scontrol', ['update', `JobId=${id}`, 'StartTime=now']);
}

describe('graft submit on a real one-node Slurm', function () {
  this.timeout(300_000);
  let startedHere = false;
  let dir: string;

  before(function () {
    const why = slurmAvailable();
    if (why !== null) {
      if (process.env.GRAFT_REQUIRE_SLURM === '1') throw new Error(`GRAFT_REQUIRE_SLURM=1 but Slurm cannot run here: ${why}`);
      this.skip();
    }
    startedHere = spawnSync(slurmLocal, ['status']).status !== 0;
    if (startedHere) run(slurmLocal, ['start']);
  });
  after(() => {
    if (startedHere) run(slurmLocal, ['stop']);
  });
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'graft-slurm-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Submits a 2-rank, 1-node search; returns the job id. */
  function submit(out: string, searchFlags: string[], env: Record<string, string> = {}): string {
    const printed = run(
      process.execPath,
      [main, 'submit', '--scheduler', 'slurm', '--nodes', '1', '--ranks-per-node', '2', '--cpus-per-rank', '1', '--time', '00:10:00', '--out', out, '--',
        '--space', 'mnist-mlp', '--data', 'mnist', '--population', '4', '--sample', '2', '--val-size', '300', '--actors-per-rank', '1', ...searchFlags],
      { OMPI_ALLOW_RUN_AS_ROOT: '1', OMPI_ALLOW_RUN_AS_ROOT_CONFIRM: '1', ...env },
    );
    const id = /submitted slurm job (\d+)/.exec(printed)?.[1];
    expect(id, printed).to.be.a('string');
    return id as string;
  }

  function jobOutput(out: string): string {
    return readdirSync(out)
      .filter((name) => name.startsWith('slurm-') && name.endsWith('.out'))
      .map((name) => readFileSync(join(out, name), 'utf8'))
      .join('');
  }

  it('srun with the pmix plugin joins both ranks into one search', async () => {
    const out = join(dir, 'run');
    const id = submit(out, ['--max-evals', '6', '--train-size', '1000']);
    const done = await waitForState(id, ['COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT'], 180);
    expect(done.state, jobOutput(out)).to.equal('COMPLETED');
    expect(journal(out, 'start')[0]).to.include({ ranks: 2, actors: 2 });
    const ranks = new Set(journal(out, 'evaluation').map((record) => (record as { rank?: number }).rank));
    expect(journal(out, 'evaluation')).to.have.length(6);
    expect([...ranks].sort(), 'both ranks trained candidates').to.deep.equal([0, 1]);
  });

  it('srun without an MPI plugin is refused on every task before any work', async () => {
    const out = join(dir, 'run');
    const id = submit(out, ['--max-evals', '6', '--train-size', '1000'], { GRAFT_SRUN_MPI: 'none' });
    const done = await waitForState(id, ['COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT'], 180);
    const log = jobOutput(out);
    expect(done.state, log).to.equal('FAILED');
    expect(log).to.match(/started 2 tasks/);
    expect(log).to.contain('--mpi=pmix');
    expect(journal(out, 'proposal'), 'no candidate was proposed').to.have.length(0);
  });

  it('USR1 stops the search cleanly; requeued, gracefully or not, it finishes with each candidate once', async () => {
    const out = join(dir, 'run');
    const total = 24;
    const id = submit(out, ['--max-evals', String(total), '--train-size', '3000']);

    // The warning Slurm sends before the time limit (--signal=B:USR1@…), sent now.
    await waitFor('the first evaluations', 120, () => (journal(out, 'evaluation').length >= 3 ? true : undefined));
    run('scancel', ['--batch', '--signal=USR1', id]);
    const stopped = await waitForState(id, ['COMPLETED', 'FAILED'], 120);
    expect(stopped.state, jobOutput(out)).to.equal('COMPLETED');
    expect(jobOutput(out)).to.contain('stopped by SIGUSR1');
    const afterStop = journal(out, 'evaluation').length;
    expect(afterStop).to.be.below(total);

    // Requeued after its graceful stop: it resumes from the journal.
    await requeueNow(id, 1);
    await waitFor('the resumed search to train', 120, () => (journal(out, 'evaluation').length > afterStop ? true : undefined));
    // Requeued while it runs (preemption): Slurm kills the ranks; the next start resumes again.
    expect(jobInfo(id).state).to.equal('RUNNING');
    expect(journal(out, 'evaluation').length, 'still candidates to go when killed').to.be.below(total);
    await requeueNow(id, 2);
    const done = await waitForState(id, ['COMPLETED', 'FAILED'], 180, 2);
    const log = jobOutput(out);
    expect(done.state, log).to.equal('COMPLETED');
    expect(done.restarts).to.equal(2);
    expect(log).to.contain('resuming the search');
    expect(log).to.contain('(restart 2)');

    const ids = journal(out, 'evaluation').map((record) => record.id as number);
    expect(new Set(ids).size, 'no candidate journaled twice').to.equal(ids.length);
    expect([...ids].sort((a, b) => a - b)).to.deep.equal(Array.from({ length: total }, (_, i) => i));
    const rows = readFileSync(join(out, 'results.csv'), 'utf8').trim().split('\n').slice(1);
    expect(rows.map((row) => Number(row.split(',')[0])).sort((a, b) => a - b)).to.deep.equal(ids.sort((a, b) => a - b));
  });
});
