// runtime/rpc-endpoints.ts: the wires an Rpc (./rpc.ts) rides on. A MessagePort or a Worker
// carries frames as structured clone (ports, shared memory and transfer lists included) and may
// carry other messages beside them, which it leaves to their own listeners; a Transport carries
// msgpackr-encoded frames on one tag, between ranks. Knows frames, not what they ask.

import type { MessagePort, Transferable, Worker } from 'node:worker_threads';
import { ClosedError } from '../errors.js';
import type { Transport } from '../transport/index.js';
import { log } from '../util/log.js';
import { decode, encode } from './codec.js';
import type { RpcFrame } from './protocol.js';
import type { RpcEndpoint } from './rpc.js';

function isFrame(message: unknown): message is RpcFrame {
  if (typeof message !== 'object' || message === null) return false;
  const { kind, id } = message as { kind?: unknown; id?: unknown };
  return (kind === 'request' || kind === 'reply') && typeof id === 'number';
}

/** One end of a MessageChannel, or a thread's parentPort; its 'close' ends the link with `closedReason`. */
export function portEndpoint(port: MessagePort, closedReason = 'the port closed'): RpcEndpoint<void> {
  return {
    send: (_peer, frame, transfer) => port.postMessage(frame, transfer as Transferable[]),
    listen(receive, closed) {
      const onMessage = (message: unknown): void => {
        if (isFrame(message)) receive(undefined, message);
      };
      const onClose = (): void => closed(new ClosedError(closedReason));
      port.on('message', onMessage);
      port.on('close', onClose);
      return () => {
        port.off('message', onMessage);
        port.off('close', onClose);
      };
    },
  };
}

/** A Worker seen from its parent; its exit ends the link. */
export function workerEndpoint(worker: Worker): RpcEndpoint<void> {
  return {
    send: (_peer, frame, transfer) => worker.postMessage(frame, transfer as Transferable[]),
    listen(receive, closed) {
      const onMessage = (message: unknown): void => {
        if (isFrame(message)) receive(undefined, message);
      };
      const onExit = (code: number): void => closed(new ClosedError(`the thread exited with code ${code}`));
      worker.on('message', onMessage);
      worker.on('exit', onExit);
      return () => {
        worker.off('message', onMessage);
        worker.off('exit', onExit);
      };
    },
  };
}

/** No wire at all: every request is answered by the asking side's own handlers, in its thread. */
export function selfEndpoint(): RpcEndpoint<void> {
  return {
    send: () => {
      throw new ClosedError('a self endpoint sends nothing');
    },
    listen: () => () => {},
    isSelf: () => true,
  };
}

/** Every rank over `transport` on `tag`, peers named by rank; a request to this rank skips the wire. */
export function transportEndpoint(transport: Transport, tag: number): RpcEndpoint<number> {
  return {
    send: (dest, frame) => transport.send(dest, tag, encode(frame)),
    listen(receive) {
      return transport.subscribe(tag, (source, bytes) => {
        let frame: unknown;
        try {
          frame = decode(bytes);
        } catch (err) {
          log('error', 'rpc.undecodable', { source, tag, error: err });
          return;
        }
        if (isFrame(frame)) receive(source, frame);
        else log('error', 'rpc.not-a-frame', { source, tag });
      });
    },
    isSelf: (peer) => peer === transport.rank,
  };
}
