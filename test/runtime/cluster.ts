// test/runtime/cluster.ts: starts a job of n ranks in this process over the loopback
// transport (rank 0 drives, the others serve), and names the fixture modules.

import { createLoopbackCluster, LocalTransport } from 'graft/transport';
import { init, type InitOptions, type Runtime } from 'graft/runtime';

export const actorsUrl = new URL('../fixtures/runtime/actors.js', import.meta.url);
export const tasksUrl = new URL('../fixtures/runtime/tasks.js', import.meta.url);
export const hangingUrl = new URL('../fixtures/runtime/hanging-module.js', import.meta.url);

export interface Job {
  driver: Runtime;
  ranks: Runtime[];
  /** Resolves when every non-driver rank's serve() has resolved. */
  served: Promise<void>;
  /** Shuts the job down (once) and waits for every rank. */
  stop(): Promise<void>;
}

/** One rank over its own LocalTransport, so tests never share the process's default runtime. */
export async function startLocal(options: Omit<InitOptions, 'transport'> = {}): Promise<Job> {
  return startJob(1, options);
}

export async function startJob(n: number, options: Omit<InitOptions, 'transport'> | ((rank: number) => Omit<InitOptions, 'transport'>) = {}): Promise<Job> {
  const transports = n === 1 ? [new LocalTransport()] : createLoopbackCluster(n);
  const ranks = await Promise.all(
    transports.map((transport, rank) => init({ ...(typeof options === 'function' ? options(rank) : options), transport })),
  );
  const driver = ranks[0]!;
  const served = Promise.all(ranks.slice(1).map((rank) => rank.serve())).then(() => undefined);
  let stopping: Promise<void> | undefined;
  return {
    driver,
    ranks,
    served,
    stop: () => (stopping ??= driver.shutdown().then(() => served)),
  };
}
