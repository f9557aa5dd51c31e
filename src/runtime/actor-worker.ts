// runtime/actor-worker.ts: the entry point of an actor's thread. It builds the thread's
// runtime (control requests go up the parent port), imports the actor's module by URL,
// constructs the instance and says 'ready'; from then on each 'connect' brings a caller's port.
// A constructor or import that throws is reported as 'init-failed' and the supervisor ends the
// thread (a death, restarted within budget).

import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { ActorServer } from './actor-server.js';
import { portControlClient } from './control.js';
import { setThreadRuntime } from './context.js';
import { ModuleLoadError, ProtocolError } from './errors.js';
import { kProtocolVersion, type ActorToSupervisor, type ActorWorkerData, type RemoteOrigin, type SupervisorToActor } from './protocol.js';
import { Router } from './router.js';
import { Runtime } from './runtime.js';
import { toWireError } from './wire-error.js';

const port = parentPort as MessagePort;
// A spare thread starts without an identity and receives it in its first message.
const data: ActorWorkerData =
  (workerData as ActorWorkerData | null) ??
  (await new Promise<ActorWorkerData>((resolve) =>
    port.once('message', (message: SupervisorToActor) => {
      if (message.kind === 'assign') resolve(message.data);
    }),
  ));
if (data.cudaVisibleDevices !== undefined) process.env.CUDA_VISIBLE_DEVICES = data.cudaVisibleDevices;
const origin: RemoteOrigin = {
  rank: data.rank,
  host: data.host,
  actor: data.actor.id,
  ...(data.actor.name ? { actorName: data.actor.name } : {}),
  className: data.actor.className,
};
const post = (message: ActorToSupervisor): void => port.postMessage(message);

const control = portControlClient(port);
const router = new Router(control);
let server: ActorServer | undefined;

// 'assign' was read above, and replies to control requests are the control client's.
port.on('message', (message: SupervisorToActor) => {
  // The supervisor connects callers only after 'ready', so the server exists.
  if (message.kind === 'connect') server!.attach(message.port, message.started, message.poll);
});

try {
  if (data.version !== kProtocolVersion) {
    throw new ProtocolError(`actor thread speaks protocol ${kProtocolVersion}, its rank ${data.version}`);
  }
  setThreadRuntime(
    new Runtime({ rank: data.rank, size: data.size, driverRank: data.driverRank, isMainThread: false, control, router }),
    { actor: data.actor, incarnation: data.incarnation, rank: data.rank, gpus: data.gpus },
  );
  const instance = await construct();
  server = new ActorServer(instance, data.maxConcurrency, origin, new Int32Array(data.stats), router.binder);
  post({ kind: 'ready', version: kProtocolVersion });
} catch (err) {
  post({ kind: 'init-failed', error: toWireError(err, { ...origin, method: 'constructor' }) });
}

async function construct(): Promise<object> {
  let module: Record<string, unknown>;
  try {
    module = (await import(data.moduleUrl)) as Record<string, unknown>;
  } catch (err) {
    throw new ModuleLoadError(`actor module ${data.moduleUrl} did not load: ${(err as Error).message}`, { cause: err, details: { module: data.moduleUrl } });
  }
  const cls = module[data.actor.className];
  if (typeof cls !== 'function') {
    throw new ModuleLoadError(`${data.moduleUrl} exports no class '${data.actor.className}'`, { details: { module: data.moduleUrl, className: data.actor.className } });
  }
  const args = router.decode<unknown[]>(data.args);
  return new (cls as new (...args: unknown[]) => object)(...args);
}
