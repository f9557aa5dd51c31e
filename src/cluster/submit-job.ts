// cluster/submit-job.ts: hands a written job script to the scheduler (sbatch, qsub or bsub)
// and reads the job id from its answer. Every call ends once: with the id, or with a typed
// error for a missing command, a refusal, an unreadable answer or a scheduler that hangs.

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { TimeoutError } from '../errors.js';
import { JobIdNotFoundError, SchedulerCommandNotFoundError, SubmitFailedError } from './errors.js';
import type { Scheduler } from './job-spec.js';

export interface SubmitOptions {
  /** Where the command runs; defaults to this process's directory. */
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** How long the scheduler may take to answer (default 120 s: controllers retry when busy). */
  timeoutMs?: number;
}

export interface SubmittedJob {
  jobId: string;
  /** The scheduler's answer on stdout, as printed. */
  answer: string;
}

interface SubmitForm {
  command: string;
  /** bsub reads directives only from a script fed on stdin; the others take a path. */
  viaStdin: boolean;
  jobId(answer: string): string | undefined;
}

const kSubmitForms: Record<Scheduler, SubmitForm> = {
  slurm: { command: 'sbatch', viaStdin: false, jobId: (a) => /Submitted batch job (\d+)/.exec(a)?.[1] },
  // qsub prints the full id (`1234.server-name`), which is what qstat and qdel take.
  pbs: { command: 'qsub', viaStdin: false, jobId: (a) => /^\s*(\d+(?:\[\d*\])?(?:\.[\w.-]+)?)\s*$/m.exec(a)?.[1] },
  lsf: { command: 'bsub', viaStdin: true, jobId: (a) => /Job <(\d+)> is submitted/.exec(a)?.[1] },
};

const kDefaultTimeoutMs = 120_000;

/** The command graft runs to submit to a scheduler. */
export function submitProgram(scheduler: Scheduler): string {
  return kSubmitForms[scheduler].command;
}

/** Reads the job id from a scheduler's answer to a submission; undefined when it holds none. */
export function parseJobId(scheduler: Scheduler, answer: string): string | undefined {
  return kSubmitForms[scheduler].jobId(answer);
}

export function submitJobScript(scheduler: Scheduler, scriptPath: string, options: SubmitOptions = {}): Promise<SubmittedJob> {
  const form = kSubmitForms[scheduler];
  return new Promise((resolve, reject) => {
    let script: string | undefined;
    try {
      script = form.viaStdin ? readFileSync(scriptPath, 'utf8') : undefined;
    } catch (err) {
      reject(new SubmitFailedError(`cannot read job script ${scriptPath}`, { cause: err, details: { script: scriptPath } }));
      return;
    }
    const child = spawn(form.command, form.viaStdin ? [] : [scriptPath], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    // A scheduler that exits without reading its input closes the pipe; its exit status
    // (reported on 'close') says what happened, so the write error itself carries nothing.
    child.stdin.on('error', () => {});
    child.stdin.end(script);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timeoutMs = options.timeoutMs ?? kDefaultTimeoutMs;
    let settled = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      settle(() =>
        reject(new TimeoutError(`${form.command} gave no answer within ${timeoutMs / 1000} s`, { details: { command: form.command } })),
      );
    }, timeoutMs);
    function settle(outcome: () => void): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outcome();
    }
    child.on('error', (err: NodeJS.ErrnoException) =>
      settle(() =>
        reject(
          err.code === 'ENOENT'
            ? new SchedulerCommandNotFoundError(`${form.command} is not on PATH: submit from a ${scheduler} login node, or use --dry-run`, {
                cause: err,
                details: { command: form.command },
              })
            : new SubmitFailedError(`${form.command} could not be started: ${err.message}`, { cause: err, details: { command: form.command } }),
        ),
      ),
    );
    child.on('close', (status, signal) =>
      settle(() => {
        if (status !== 0) {
          const said = stderr.trim() || stdout.trim();
          reject(
            new SubmitFailedError(`${form.command} refused the job (${signal ?? `exit ${status}`})${said ? `: ${said}` : ''}`, {
              details: { command: form.command, status, signal, stdout, stderr },
            }),
          );
          return;
        }
        const jobId = form.jobId(stdout);
        if (jobId === undefined) {
          reject(
            new JobIdNotFoundError(`${form.command} answered without a job id: '${stdout.trim()}'`, {
              details: { command: form.command, stdout, stderr },
            }),
          );
          return;
        }
        resolve({ jobId, answer: stdout });
      }),
    );
  });
}
