// bench/transfer-runner.ts: runs graft commands for the transfer benchmark as child
// processes (`node dist/main.js …`, under `mpirun -n N` when asked), each logging to its run
// directory and killed with its whole process group past a time limit; and a run already
// complete in the output folder is reused instead of run again.

import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

export const kMain = new URL('../../dist/main.js', import.meta.url).pathname;

/**
 * Runs `node dist/main.js …args` (under `mpirun -n ranks` when ranks > 1), output to
 * `logDir/bench-<command>.log`; resolves to its wall seconds. The child leads its own process
 * group, so a timeout kills mpirun and every rank it started.
 */
export function graft(args: string[], logDir: string, timeoutSeconds: number, ranks = 1): Promise<number> {
  mkdirSync(logDir, { recursive: true });
  const logPath = join(logDir, `bench-${args[0]}.log`);
  const logFile = createWriteStream(logPath);
  const started = performance.now();
  const [command, argv] =
    // Unbound: Open MPI would pin each of 2 ranks to one core, where its actors could not run side by side.
    ranks > 1 ? ['mpirun', ['-n', String(ranks), '--oversubscribe', '--bind-to', 'none', process.execPath, kMain, ...args]] : [process.execPath, [kMain, ...args]];
  // OpenMPI refuses to start as root unless told; CI and containers run as root.
  const env = process.getuid?.() === 0 ? { ...process.env, OMPI_ALLOW_RUN_AS_ROOT: '1', OMPI_ALLOW_RUN_AS_ROOT_CONFIRM: '1' } : process.env;
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env });
    child.stdout.pipe(logFile);
    child.stderr.pipe(logFile);
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
      reject(new Error(`graft ${args[0]} ran past ${timeoutSeconds} s and was killed; see ${logPath}`));
    }, timeoutSeconds * 1000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolvePromise((performance.now() - started) / 1000);
      else reject(new Error(`graft ${args.join(' ')} exited with ${code ?? signal}; see ${logPath}`));
    });
  });
}

/** Fails unless the build has the commands the benchmark runs. */
export async function requireCommands(commands: readonly string[]): Promise<void> {
  if (!existsSync(kMain)) throw new Error(`${kMain} not found: build first (npm run build)`);
  for (const command of commands) {
    const ok = await new Promise<boolean>((done) => {
      const child = spawn(process.execPath, [kMain, command, '--help'], { stdio: 'ignore' });
      child.on('exit', (code) => done(code === 0));
      child.on('error', () => done(false));
    });
    if (!ok) throw new Error(`'graft ${command}' is not available in this build`);
  }
}
