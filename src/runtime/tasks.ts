// runtime/tasks.ts: a rank's pool of threads for stateless tasks, built on piscina and started
// on the first task. Task arguments and results are msgpackr bytes; handles cannot be used
// inside tasks (no router runs in pool threads), plain values and typed arrays can.

import type { Piscina } from 'piscina';
import { fromWireError } from './wire-error.js';
import type { TaskSpec } from './protocol.js';
import type { TaskOutcome } from './task-worker.js';

const kTaskWorkerUrl = new URL('./task-worker.js', import.meta.url);

export class TaskPool {
  readonly #threads: number;
  readonly #rank: number;
  readonly #host: string;
  #pool: Piscina<TaskSpec, TaskOutcome> | undefined;

  constructor(threads: number, rank: number, host: string) {
    this.#threads = threads;
    this.#rank = rank;
    this.#host = host;
  }

  /** Runs the task; resolves with its encoded result or rejects with its error rebuilt. */
  async run(spec: TaskSpec): Promise<Uint8Array> {
    // piscina loads on the first task: ranks and actor threads that run none never pay for it.
    this.#pool ??= new (await import('piscina')).Piscina<TaskSpec, TaskOutcome>({
      filename: kTaskWorkerUrl.href,
      minThreads: 0,
      maxThreads: this.#threads,
      idleTimeout: 30_000,
      workerData: { rank: this.#rank, host: this.#host },
    });
    const outcome = await this.#pool.run(spec);
    if (!outcome.ok) throw fromWireError(outcome.error);
    return outcome.bytes;
  }

  async close(): Promise<void> {
    const pool = this.#pool;
    this.#pool = undefined;
    await pool?.destroy();
  }
}
