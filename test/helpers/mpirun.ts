// test/helpers/mpirun.ts: runs a script on N real MPI ranks with `mpirun`, bounded by a
// timeout that kills the launcher's whole process group, and returns what it printed.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface MpirunOptions {
  /** Extra arguments for the script. */
  args?: string[];
  /** Milliseconds before the run is killed (default 60 s). */
  timeoutMs?: number;
  /** Extra environment for every rank. */
  env?: Record<string, string>;
  /** Extra mpirun options, placed before the program. */
  mpirunArgs?: string[];
}

export interface MpirunResult {
  /** Exit code of mpirun; null when it was killed. */
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** OpenMPI refuses to run as root unless told; harmless for other users and for MPICH. */
export const mpiEnv: Record<string, string> = {
  OMPI_ALLOW_RUN_AS_ROOT: '1',
  OMPI_ALLOW_RUN_AS_ROOT_CONFIRM: '1',
  // Ranks here share a small machine: do not spin on its cores while waiting.
  OMPI_MCA_mpi_yield_when_idle: '1',
};

let mpirunFound: boolean | undefined;

/** Whether `mpirun` exists on this machine. */
export function hasMpirun(): boolean {
  mpirunFound ??= spawnSync('mpirun', ['--version'], { stdio: 'ignore' }).status === 0;
  return mpirunFound;
}

/** Whether the MPI addon was built (native/build/Release/graft_mpi.node). */
export function hasMpiAddon(): boolean {
  return existsSync(fileURLToPath(new URL('../../../native/build/Release/graft_mpi.node', import.meta.url)));
}

/** Skips the calling suite (from its `before`) where mpirun or the MPI addon is missing, saying which. */
export function skipWithoutMpi(suite: Mocha.Context): void {
  if (hasMpirun() && hasMpiAddon()) return;
  console.log(`      (skipped: ${hasMpirun() ? 'the MPI addon is not built' : 'no mpirun on this machine'})`);
  suite.skip();
}

/**
 * `mpirun -n ranks --oversubscribe --bind-to none node script …args`. Unbound: Open MPI pins
 * each of 2 ranks to one core by default, where a graft rank's MPI thread, event loop, actors
 * and copying threads would all have to share it.
 */
export function mpirun(ranks: number, script: string, options: MpirunOptions = {}): Promise<MpirunResult> {
  const argv = ['-n', String(ranks), '--oversubscribe', '--bind-to', 'none', ...(options.mpirunArgs ?? []), process.execPath, script, ...(options.args ?? [])];
  const child = spawn('mpirun', argv, {
    env: { ...process.env, ...mpiEnv, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so a timeout can kill mpirun and every rank it started.
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid!, 'SIGTERM');
      // mpirun forwards SIGTERM to its ranks; whatever still runs shortly after is killed.
      setTimeout(() => killGroup(child.pid!, 'SIGKILL'), 2000).unref();
    }, options.timeoutMs ?? 60_000);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
  });
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is gone already.
  }
}
