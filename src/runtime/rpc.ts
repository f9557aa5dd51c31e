// runtime/rpc.ts: the one request/reply engine of graft, for every wire where one side asks and
// the other answers: a thread and its rank's main thread, rank and rank, an actor and its rank's
// layer store. In the spirit of Comlink's expose/wrap: the serving side exposes a table with one
// handler per request kind, the asking side gets promises typed by a map of reply types.
// - Every frame carries the version of its protocol; a request in another version is refused
//   with a ProtocolError that names both, and so is a reply.
// - Each request ends exactly once: with its reply; with the remote error rebuilt whole (class,
//   code, cause chain, origin rank); with a TimeoutError past its deadline (a late reply is then
//   dropped); with the error that kept it from being sent; or with the reason the Rpc closed.
// - Every request that arrives is answered: an unknown kind, a throwing handler and a result
//   that cannot be sent all come back as errors, never as silence.
// Knows nothing of what the requests mean, nor of the wire under it (./rpc-endpoints.ts).

import type { Transferable } from 'node:worker_threads';
import { ClosedError, TimeoutError } from '../errors.js';
import { log } from '../util/log.js';
import { ProtocolError } from './errors.js';
import type { RemoteOrigin, RpcBody, RpcFrame } from './protocol.js';
import { fromWireError, toWireError } from './wire-error.js';

/** A wire that carries frames to and from peers of type `Peer` (void for a two-ended port). */
export interface RpcEndpoint<Peer> {
  /** Sends one frame; throws or rejects when it cannot (a value that does not serialise, a link that failed). */
  send(peer: Peer, frame: RpcFrame, transfer: readonly Transferable[]): void | Promise<void>;
  /** Delivers each frame that arrives to `receive`, and the link's end to `closed`; returns the stop. */
  listen(receive: (peer: Peer, frame: RpcFrame) => void, closed: (reason: Error) => void): () => void;
  /** True when `peer` is this side itself: a request to it skips the wire. */
  isSelf?(peer: Peer): boolean;
}

/** The name (for messages) and version of the protocol an Rpc speaks. */
export interface RpcProtocol {
  name: string;
  version: number;
}

const kTransfer = Symbol('graft.rpc.transfer');

/** A reply value with objects to move rather than copy (a MessagePort, an ArrayBuffer). */
export interface Transfer<T> {
  readonly [kTransfer]: true;
  readonly value: T;
  readonly list: readonly Transferable[];
}

/** Marks a handler's result so that `list` is transferred with it. */
export function withTransfer<T>(value: T, list: readonly Transferable[]): Transfer<T> {
  return { [kTransfer]: true, value, list };
}

type Answer<T> = T | Transfer<T> | Promise<T | Transfer<T>>;

/** One handler per request kind; `peer` says who asked. */
export type RpcHandlers<Req extends RpcBody, Rep extends Record<Req['kind'], unknown>, Peer = void> = {
  [K in Req['kind']]: (request: Extract<Req, { kind: K }>, peer: Peer) => Answer<Rep[K]>;
};

export interface RpcOptions<Req extends RpcBody, Rep extends Record<Req['kind'], unknown>, Peer> {
  protocol: RpcProtocol;
  /** What this side serves; without it every request is refused. */
  handlers?: RpcHandlers<Req, Rep, Peer>;
  /** Where this side runs, put on each error it sends back (its rank, host …). */
  origin?: RemoteOrigin;
  /** Called before each handler; a throw refuses the request with that error (a closing side). */
  admit?: (request: Req) => void;
}

export interface RequestOptions {
  transfer?: readonly Transferable[];
  /** Rejects with a TimeoutError when no reply came within this many ms. */
  timeoutMs?: number;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

interface Pending {
  resolve(value: unknown): void;
  reject(err: Error): void;
  timer?: NodeJS.Timeout;
}

export class Rpc<Req extends RpcBody, Rep extends Record<Req['kind'], unknown>, Peer = void> {
  readonly #endpoint: RpcEndpoint<Peer>;
  readonly #protocol: RpcProtocol;
  readonly #handlers: RpcHandlers<Req, Rep, Peer> | undefined;
  readonly #origin: RemoteOrigin | undefined;
  readonly #admit: ((request: Req) => void) | undefined;
  readonly #pending = new Map<number, Pending>();
  readonly #stopListening: () => void;
  #nextId = 1;
  #closed: Error | undefined;

  constructor(endpoint: RpcEndpoint<Peer>, options: RpcOptions<Req, Rep, Peer>) {
    this.#endpoint = endpoint;
    this.#protocol = options.protocol;
    this.#handlers = options.handlers;
    this.#origin = options.origin;
    this.#admit = options.admit;
    this.#stopListening = endpoint.listen(
      (peer, frame) => this.#receive(peer, frame),
      (reason) => this.close(reason),
    );
  }

  get closed(): boolean {
    return this.#closed !== undefined;
  }

  /** Requests in flight (asked, not yet ended). */
  get pending(): number {
    return this.#pending.size;
  }

  request<K extends Req['kind']>(peer: Peer, body: Extract<Req, { kind: K }>, options: RequestOptions = {}): Promise<Rep[K]> {
    if (this.#closed) return Promise.reject(this.#closed);
    if (this.#endpoint.isSelf?.(peer)) return this.#dispatch(peer, body).then((answer) => valueOf(answer) as Rep[K]);
    const id = this.#nextId++;
    return new Promise<Rep[K]>((resolve, reject) => {
      const pending: Pending = { resolve: resolve as (value: unknown) => void, reject };
      this.#pending.set(id, pending);
      const { timeoutMs } = options;
      if (timeoutMs !== undefined) {
        pending.timer = setTimeout(() => {
          const details = { protocol: this.#protocol.name, kind: body.kind, timeoutMs };
          this.#end(id, { ok: false, error: new TimeoutError(`${this.#protocol.name}: no reply to '${body.kind}' within ${timeoutMs} ms`, { details }) });
        }, timeoutMs);
      }
      const frame: RpcFrame = { kind: 'request', v: this.#protocol.version, id, body };
      this.#send(peer, frame, options.transfer ?? [], (err) => this.#end(id, { ok: false, error: err }));
    });
  }

  /** Fails every request in flight with `reason` and refuses new ones; stops listening. */
  close(reason: Error = new ClosedError(`${this.#protocol.name} is closed`)): void {
    if (this.#closed) return;
    this.#closed = reason;
    this.#stopListening();
    for (const id of [...this.#pending.keys()]) this.#end(id, { ok: false, error: reason });
  }

  /** The one exit of request `id`: false when it has already ended. */
  #end(id: number, outcome: Outcome): boolean {
    const pending = this.#pending.get(id);
    if (!pending) return false;
    this.#pending.delete(id);
    clearTimeout(pending.timer);
    if (outcome.ok) pending.resolve(outcome.value);
    else pending.reject(outcome.error instanceof Error ? outcome.error : new Error(String(outcome.error)));
    return true;
  }

  #receive(peer: Peer, frame: RpcFrame): void {
    if (frame.kind === 'request') {
      this.#answer(peer, frame.id, frame.v, frame.body);
      return;
    }
    const { name, version } = this.#protocol;
    let outcome: Outcome;
    if (frame.v !== version) {
      const error = new ProtocolError(`${name}: the peer answered in protocol version ${frame.v}, this side speaks ${version}`, { details: { protocol: name, version, peerVersion: frame.v } });
      outcome = { ok: false, error };
    } else if (frame.ok) {
      outcome = { ok: true, value: frame.value };
    } else {
      try {
        outcome = { ok: false, error: fromWireError(frame.error) };
      } catch (err) {
        outcome = { ok: false, error: new ProtocolError(`${name}: an error reply that cannot be read`, { cause: err, details: { protocol: name } }) };
      }
    }
    // Unknown: a reply that came after its request timed out or the Rpc closed.
    if (!this.#end(frame.id, outcome)) log('warn', 'rpc.unknown-reply', { protocol: name, id: frame.id });
  }

  #answer(peer: Peer, id: number, v: number, body: RpcBody): void {
    const { name, version } = this.#protocol;
    const answer =
      v === version
        ? this.#dispatch(peer, body)
        : Promise.reject(new ProtocolError(`${name}: a request in protocol version ${v} reached a side that speaks ${version}`, { details: { protocol: name, version, peerVersion: v } }));
    answer.then(
      (result) => {
        const frame: RpcFrame = { kind: 'reply', v: version, id, ok: true, value: valueOf(result) };
        // A value that cannot be sent goes back as the error that stopped it.
        this.#send(peer, frame, transferListOf(result), (err) => this.#refuse(peer, id, err));
      },
      (err: unknown) => this.#refuse(peer, id, err),
    );
  }

  #refuse(peer: Peer, id: number, err: unknown): void {
    const frame: RpcFrame = { kind: 'reply', v: this.#protocol.version, id, ok: false, error: toWireError(err, this.#origin) };
    this.#send(peer, frame, [], (lost) => log('warn', 'rpc.reply-lost', { protocol: this.#protocol.name, id, error: lost }));
  }

  #send(peer: Peer, frame: RpcFrame, transfer: readonly Transferable[], failed: (err: unknown) => void): void {
    try {
      Promise.resolve(this.#endpoint.send(peer, frame, transfer)).catch(failed);
    } catch (err) {
      failed(err);
    }
  }

  async #dispatch(peer: Peer, body: RpcBody): Promise<unknown> {
    const handlers = this.#handlers as Record<string, (request: RpcBody, peer: Peer) => unknown> | undefined;
    const handler = handlers && Object.hasOwn(handlers, body.kind) ? handlers[body.kind] : undefined;
    if (!handler) {
      const { name } = this.#protocol;
      throw new ProtocolError(`${name}: no request of kind '${String(body.kind)}' is served here`, { details: { protocol: name, kind: body.kind } });
    }
    this.#admit?.(body as Req);
    return handler(body, peer);
  }
}

function isTransfer(answer: unknown): answer is Transfer<unknown> {
  return answer instanceof Object && kTransfer in answer;
}

function valueOf(answer: unknown): unknown {
  return isTransfer(answer) ? answer.value : answer;
}

function transferListOf(answer: unknown): readonly Transferable[] {
  return isTransfer(answer) ? answer.list : [];
}
