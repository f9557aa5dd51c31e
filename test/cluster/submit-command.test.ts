// test/cluster/submit-command.test.ts: `graft submit` end to end, as a user runs it
// (`node dist/main.js submit …`), with fake sbatch, qsub and bsub first on PATH: it writes the
// script, submits that very script, reports the job id, and refuses bad values before writing.

import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const main = new URL('../../../dist/main.js', import.meta.url).pathname;
const fakeBin = new URL('../../../test/fixtures/cluster/bin', import.meta.url).pathname;

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

describe('graft submit', () => {
  let root: string;
  let log: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'graft-submit-'));
    log = join(root, 'scheduler.log');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  function submit(args: string[], env: Record<string, string> = {}): Run {
    const r = spawnSync(process.execPath, [main, 'submit', ...args], {
      cwd: root,
      encoding: 'utf8',
      env: { PATH: `${fakeBin}:${process.env.PATH}`, HOME: root, FAKE_SCHEDULER_LOG: log, ...env },
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  const job = (scheduler: string, out: string): string[] => [
    '--scheduler', scheduler, '--nodes', '2', '--gpus-per-node', '4', '--time', '00:30:00',
    '--account', 'proj1', '--queue', 'debug', '--out', out,
    '--', '--space', 'mnist-mlp', '--max-evals', '32',
  ];

  for (const [scheduler, file, jobId, submitted] of [
    ['slurm', 'graft-job.sbatch', '4242', 'sbatch'],
    ['pbs', 'graft-job.pbs', '4343.fake-pbs-server', 'qsub'],
    ['lsf', 'graft-job.lsf', '4444', 'bsub'],
  ] as const) {
    it(`${scheduler}: writes the script, submits it with ${submitted} and reports job ${jobId}`, () => {
      const out = join(root, 'run');
      const r = submit(job(scheduler, out));
      expect(r.stderr).to.equal('');
      expect(r.status).to.equal(0);
      expect(r.stdout).to.contain(`job ${jobId}`);
      const script = readFileSync(join(out, file), 'utf8');
      const record = readFileSync(log, 'utf8');
      expect(record).to.contain(`command=${submitted}\n`);
      // sbatch and qsub get the path; bsub reads the script on stdin.
      expect(record).to.contain(scheduler === 'lsf' ? 'args=\n' : `args=${join(out, file)}\n`);
      expect(record).to.contain(script.trimEnd());
      const jobs = readFileSync(join(out, 'graft-jobs.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      expect(jobs).to.have.length(1);
      expect(jobs[0]).to.deep.include({ jobId, scheduler, nodes: 2, ranks: 8, time: '00:30:00' });
    });
  }

  it('--dry-run prints the script it wrote and submits nothing', () => {
    const out = join(root, 'dry');
    const r = submit([...job('pbs', out).slice(0, 14), '--dry-run', ...job('pbs', out).slice(14)]);
    expect(r.status).to.equal(0);
    expect(r.stdout).to.equal(readFileSync(join(out, 'graft-job.pbs'), 'utf8'));
    expect(r.stdout).to.contain('#PBS -l select=2:mpiprocs=4:ngpus=4');
    expect(existsSync(log)).to.equal(false);
  });

  it('takes the output directory from the search flags when --out is not given', () => {
    const r = submit(['--scheduler', 'slurm', '--nodes', '1', '--time', '00:10:00', '--dry-run', '--', '--out', 'runs/a']);
    expect(r.status).to.equal(0);
    expect(existsSync(join(root, 'runs/a/graft-job.sbatch'))).to.equal(true);
  });

  it('reports a refusal by the scheduler with ERR_SUBMIT_FAILED', () => {
    const r = submit(job('slurm', join(root, 'run')), { FAKE_SCHEDULER_FAIL: '1' });
    expect(r.status).to.equal(1);
    expect(r.stderr).to.contain('[ERR_SUBMIT_FAILED]').and.contain('Invalid account');
  });

  it('reports an answer without a job id with ERR_JOB_ID_NOT_FOUND', () => {
    const r = submit(job('lsf', join(root, 'run')), { FAKE_SCHEDULER_MUTE: '1' });
    expect(r.status).to.equal(1);
    expect(r.stderr).to.contain('[ERR_JOB_ID_NOT_FOUND]');
  });

  it('reports a scheduler command missing from PATH with ERR_SCHEDULER_COMMAND_NOT_FOUND', () => {
    const r = submit(job('slurm', join(root, 'run')), { PATH: '/nonexistent' });
    expect(r.status).to.equal(1);
    expect(r.stderr).to.contain('[ERR_SCHEDULER_COMMAND_NOT_FOUND]');
  });

  const edit = (args: string[], flag: string, value: string): string[] => {
    const copy = [...args];
    copy[copy.indexOf(flag) + 1] = value;
    return copy;
  };

  for (const [label, args, code] of [
    ['nodes 0', (o: string) => edit(job('slurm', o), '--nodes', '0'), 'ERR_INVALID_JOB_OPTION'],
    ['time 25:61:00', (o: string) => edit(job('slurm', o), '--time', '25:61:00'), 'ERR_INVALID_WALLTIME'],
    ['an unknown scheduler', (o: string) => edit(job('slurm', o), '--scheduler', 'condor'), 'ERR_UNKNOWN_SCHEDULER'],
    ['8 ranks on 4 GPUs', (o: string) => [...job('slurm', o).slice(0, 14), '--ranks-per-node', '8', '--', '--space', 'x'], 'ERR_RANK_LAYOUT'],
    ['2 ranks on 4 GPUs on PBS (one rank per GPU)', (o: string) => [...job('pbs', o).slice(0, 14), '--ranks-per-node', '2'], 'ERR_RANK_LAYOUT'],
    ['a bad account', (o: string) => edit(job('lsf', o), '--account', 'a b'), 'ERR_INVALID_JOB_OPTION'],
    ['a misspelt option', (o: string) => ['--node', '2', ...job('slurm', o)], 'ERR_INVALID_JOB_OPTION'],
    ['a missing --time', (o: string) => job('slurm', o).filter((a, i, all) => a !== '--time' && all[i - 1] !== '--time'), 'ERR_INVALID_JOB_OPTION'],
    ['--walltime among the search flags', (o: string) => [...job('slurm', o), '--walltime', '60'], 'ERR_INVALID_JOB_OPTION'],
    ['a misspelt search flag, read by the search\'s own parser', (o: string) => [...job('slurm', o), '--max-evls', '9'], 'ERR_INVALID_ARGUMENT'],
    ['an unreadable --setup file', (o: string) => ['--setup', '/nonexistent/setup.sh', ...job('slurm', o)], 'ERR_INVALID_JOB_OPTION'],
  ] as const) {
    it(`refuses ${label} with ${code} and writes nothing`, () => {
      const fresh = join(root, 'fresh');
      const existing = join(root, 'existing');
      mkdirSync(existing);
      for (const out of [fresh, existing]) {
        const r = submit(args(out));
        expect(r.status).to.equal(1);
        expect(r.stderr).to.contain(`[${code}]`);
        expect(r.stdout).to.equal('');
      }
      expect(existsSync(fresh)).to.equal(false);
      expect(readdirSync(existing)).to.deep.equal([]);
      expect(existsSync(log)).to.equal(false);
    });
  }

  it('refuses a run directory that already holds a search unless the search resumes it', () => {
    const out = join(root, 'used');
    mkdirSync(out);
    writeFileSync(join(out, 'journal.jsonl'), '');
    writeFileSync(join(out, 'config.json'), '{}');
    const r = submit(job('slurm', out));
    expect(r.status).to.equal(1);
    expect(r.stderr).to.contain('[ERR_INVALID_JOB_OPTION]').and.contain('--resume');
    expect(existsSync(join(out, 'graft-job.sbatch'))).to.equal(false);
    const resumed = submit(['--scheduler', 'slurm', '--nodes', '1', '--time', '00:10:00', '--', '--resume', out, '--max-evals', '64']);
    expect(resumed.stderr).to.equal('');
    expect(resumed.status).to.equal(0);
    expect(readFileSync(join(out, 'graft-job.sbatch'), 'utf8')).to.contain(`search --resume ${out} --max-evals 64 --out ${out} --walltime`);
  });

  it('suggests the option meant when one is misspelt', () => {
    const r = submit(['--gpus-per-nod', '4', ...job('slurm', join(root, 'run'))]);
    expect(r.stderr).to.contain('--gpus-per-node');
  });
});
