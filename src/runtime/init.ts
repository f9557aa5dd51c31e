// runtime/init.ts: init(), the entry to the runtime in every thread. On a main thread it starts
// this rank (start-rank.ts, loaded only there, so actor threads never load the transport, the
// supervisor or the task pool); every rank of the job must call it. In an actor's thread it
// returns that actor's runtime.

import { isMainThread } from 'node:worker_threads';
import { InvalidArgumentError } from '../errors.js';
import { getThreadRuntime, setThreadRuntime } from './context.js';
import { resolveInitOptions, type InitOptions } from './options.js';
import type { Runtime } from './runtime.js';

export async function init(options: InitOptions = {}): Promise<Runtime> {
  if (!isMainThread) {
    const runtime = getThreadRuntime();
    if (!runtime) throw new InvalidArgumentError('init() in a worker thread that graft did not start; call it in the main thread');
    return runtime;
  }
  const resolved = resolveInitOptions(options);
  const existing = getThreadRuntime();
  if (existing && !resolved.transport) return existing;
  const { startRank } = await import('./start-rank.js');
  const { runtime, closed } = await startRank(resolved);
  // A runtime on a transport the caller supplied is theirs to hold; only the default one is
  // the thread's (so init() elsewhere in the program returns it).
  if (!resolved.transport) {
    setThreadRuntime(runtime);
    void closed.then(() => {
      if (getThreadRuntime() === runtime) setThreadRuntime(undefined);
    });
  }
  return runtime;
}
