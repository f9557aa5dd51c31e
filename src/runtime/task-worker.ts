// runtime/task-worker.ts: the code a task-pool thread runs (piscina loads this file). It
// imports the task's module once per thread, calls the named export with the decoded
// arguments and returns the encoded result, or the error flattened for the trip back.

import { workerData } from 'node:worker_threads';
import { decode, encodeDetached } from './codec.js';
import { ModuleLoadError } from './errors.js';
import type { TaskSpec, WireError } from './protocol.js';
import { toWireError } from './wire-error.js';

export type TaskOutcome = { ok: true; bytes: Uint8Array } | { ok: false; error: WireError };

const { rank, host } = workerData as { rank: number; host: string };
const modules = new Map<string, Promise<Record<string, unknown>>>();

export default async function runTask(spec: TaskSpec): Promise<TaskOutcome> {
  const origin = { rank, host, task: `${spec.fnName} (${spec.moduleUrl})` };
  try {
    let loading = modules.get(spec.moduleUrl);
    if (!loading) {
      loading = import(spec.moduleUrl) as Promise<Record<string, unknown>>;
      modules.set(spec.moduleUrl, loading);
    }
    const fn = (await loading)[spec.fnName];
    if (typeof fn !== 'function') {
      throw new ModuleLoadError(`${spec.moduleUrl} has no exported function '${spec.fnName}'`, { details: { module: spec.moduleUrl, name: spec.fnName } });
    }
    const value: unknown = await fn(...decode<unknown[]>(spec.args));
    return { ok: true, bytes: encodeDetached(value) };
  } catch (err) {
    return { ok: false, error: toWireError(err, origin) };
  }
}
