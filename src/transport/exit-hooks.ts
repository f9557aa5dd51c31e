// transport/exit-hooks.ts: makes an MPI rank leave cleanly however the process ends. A normal
// exit finalizes MPI; a non-zero exit (an uncaught error, process.exit(1)) or SIGINT/SIGTERM
// aborts the whole job, so peers waiting on this rank never hang and mpirun exits non-zero.

import { writeSync } from 'node:fs';
import { inspect } from 'node:util';

const kSignals: Array<[NodeJS.Signals, number]> = [
  ['SIGINT', 130],
  ['SIGTERM', 143],
];

/**
 * Calls `shutdown(exitCode)` once as the process exits; returns a function removing the hooks.
 * `who` names this process in the message printed for an uncaught error.
 */
export function installExitHooks(who: string, shutdown: (code: number) => void): () => void {
  let fatal: { error: unknown } | undefined;
  // Node runs 'exit' listeners before it prints an uncaught error, and aborting MPI ends the
  // process there: print the error first, or the job would die without saying why.
  const onFatal = (error: unknown) => {
    fatal = { error };
  };
  const onExit = (code: number) => {
    if (code !== 0 && fatal) writeSync(2, `${who}: uncaught error, aborting the job:\n${inspect(fatal.error)}\n`);
    shutdown(code);
  };
  // process.exit() runs the 'exit' listeners, including onExit.
  const onSignal = (signal: NodeJS.Signals) => process.exit(kSignals.find(([name]) => name === signal)![1]);
  process.on('uncaughtExceptionMonitor', onFatal);
  process.once('exit', onExit);
  for (const [signal] of kSignals) process.on(signal, onSignal);
  return () => {
    process.off('uncaughtExceptionMonitor', onFatal);
    process.off('exit', onExit);
    for (const [signal] of kSignals) process.off(signal, onSignal);
  };
}
