// runtime/restart-signal.ts: SIGUSR2 sent to a rank's process restarts that rank's actor
// threads through the runtime's own kill, as `runtime.kill(handle, { restart: true })` would:
// each counts as a death within the actor's restart budget, and calls in flight reject with
// ActorDiedError, so a caller that retries (the search does) runs them again elsewhere. An
// operator's way to restart a rank's actors (a hung native call, a heap grown too big) without
// ending the job, and a fault to inject in soak tests. Only a process that is one rank
// listens: the ranks of a loopback cluster, which share a process, do not.

import { log } from '../util/log.js';

export const kRestartSignal = 'SIGUSR2';

/** Listens for the signal until the returned function is called. */
export function restartActorsOnSignal(rank: number, restartActors: () => number): () => void {
  const onSignal = (): void => {
    const restarted = restartActors();
    log('warn', 'runtime.actor.signal_restart', { rank, signal: kRestartSignal, restarted });
  };
  process.on(kRestartSignal, onSignal);
  return () => process.off(kRestartSignal, onSignal);
}
