// runtime/spare-threads.ts: keeps one actor thread started ahead of need. Starting a thread
// and loading the runtime into it is most of an actor's start-up time; a spare has done both
// and waits for an 'assign' message, so a spawn pays only for the actor's own module. The
// spare is unreferenced while it waits: it never keeps the process alive.

import { Worker } from 'node:worker_threads';
import { log } from '../util/log.js';

export const kActorWorkerUrl = new URL('./actor-worker.js', import.meta.url);

export class SpareThreads {
  #spare: Worker | undefined;
  #onExit: (() => void) | undefined;
  #closed = false;
  readonly #onError = (err: Error): void => log('warn', 'runtime.spare.error', { error: err });

  /** Hands over the spare (referenced again, no listeners of ours left on it), if there is one. */
  take(): Worker | undefined {
    const worker = this.#spare;
    if (!worker) return undefined;
    this.#spare = undefined;
    worker.off('exit', this.#onExit!);
    worker.off('error', this.#onError);
    worker.ref();
    return worker;
  }

  /** Starts a spare unless one is waiting. */
  fill(): void {
    if (this.#closed || this.#spare) return;
    const worker = new Worker(kActorWorkerUrl, { workerData: null });
    worker.unref();
    worker.on('error', this.#onError);
    this.#onExit = () => {
      if (this.#spare === worker) this.#spare = undefined;
    };
    worker.once('exit', this.#onExit);
    this.#spare = worker;
  }

  async close(): Promise<void> {
    this.#closed = true;
    const worker = this.#spare;
    this.#spare = undefined;
    await worker?.terminate();
  }
}
