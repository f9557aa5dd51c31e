// transport/exit-hooks.ts: makes an MPI rank leave cleanly however the process ends. A normal
// exit finalizes MPI; a non-zero exit (an uncaught error, process.exit(1)) or SIGINT/SIGTERM
// aborts the whole job, so peers waiting on this rank never hang and mpirun exits non-zero.

const kSignals: Array<[NodeJS.Signals, number]> = [
  ['SIGINT', 130],
  ['SIGTERM', 143],
];

/** Calls `shutdown(exitCode)` once as the process exits; returns a function removing the hooks. */
export function installExitHooks(shutdown: (code: number) => void): () => void {
  const onExit = (code: number) => shutdown(code);
  // process.exit() runs the 'exit' listeners, including onExit.
  const onSignal = (signal: NodeJS.Signals) => process.exit(kSignals.find(([name]) => name === signal)![1]);
  process.once('exit', onExit);
  for (const [signal] of kSignals) process.on(signal, onSignal);
  return () => {
    process.off('exit', onExit);
    for (const [signal] of kSignals) process.off(signal, onSignal);
  };
}
