// runtime/control.ts: how a thread asks its rank's main thread for things (spawn, connect,
// put/get, status …), as an Rpc (./rpc.ts) of ControlRequests. The main thread answers its own
// requests directly through the same handlers; an actor thread sends them over its parent port,
// and every request ends exactly once: with the reply, the error sent back, or a ClosedError
// when the thread is being torn down.

import type { MessagePort, Transferable } from 'node:worker_threads';
import { kProtocolVersion, type ControlKind, type ControlReplies, type ControlRequest, type ControlRequestOf } from './protocol.js';
import { Rpc, type RpcHandlers, type RpcProtocol } from './rpc.js';
import { portEndpoint, selfEndpoint } from './rpc-endpoints.js';

export interface ControlClient {
  request<K extends ControlKind>(request: ControlRequestOf<K>, transfer?: readonly Transferable[]): Promise<ControlReplies[K]>;
}

export const kControlProtocol: RpcProtocol = { name: 'runtime control', version: kProtocolVersion };

/** What a rank's main thread serves to one kind of caller (its own thread, or an actor's). */
export type ControlHandlers = RpcHandlers<ControlRequest, ControlReplies>;

/** The control client of an actor thread: requests go up the parent port. */
export function portControlClient(port: MessagePort): ControlClient {
  const rpc = new Rpc<ControlRequest, ControlReplies>(portEndpoint(port, 'the runtime is shut down'), { protocol: kControlProtocol });
  return { request: (request, transfer) => rpc.request(undefined, request, { transfer }) };
}

/** The control client of the main thread: `handlers` answer in this thread, nothing crosses a port. */
export function localControlClient(handlers: ControlHandlers, admit: (request: ControlRequest) => void): ControlClient {
  const rpc = new Rpc<ControlRequest, ControlReplies>(selfEndpoint(), { protocol: kControlProtocol, handlers, admit });
  return { request: (request) => rpc.request(undefined, request) };
}
