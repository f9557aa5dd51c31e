// runtime/rank-rpc.ts: request and reply between ranks' main threads over the transport, on
// one tag. Requests are correlated by id; each ends exactly once: with the reply, the remote
// error rebuilt with its origin, or a ClosedError when the runtime closes. A request to this
// rank itself skips the transport and calls the handler directly.

import { ClosedError } from '../errors.js';
import type { Transport } from '../transport/index.js';
import { log } from '../util/log.js';
import { decode, encode } from './codec.js';
import type { RankEnvelope, RankKind, RankReplies, RankRequest, RankRequestOf } from './protocol.js';
import { kTagRpc } from './tags.js';
import { fromWireError, kHost, toWireError } from './wire-error.js';

export type RankHandler = (source: number, request: RankRequest) => Promise<unknown>;

interface Waiter {
  resolve(value: unknown): void;
  reject(err: Error): void;
}

export class RankRpc {
  readonly #transport: Transport;
  readonly #handler: RankHandler;
  readonly #pending = new Map<number, Waiter>();
  readonly #unsubscribe: () => void;
  #nextId = 1;
  #closed: Error | undefined;

  constructor(transport: Transport, handler: RankHandler) {
    this.#transport = transport;
    this.#handler = handler;
    this.#unsubscribe = transport.subscribe(kTagRpc, (source, bytes) => this.#receive(source, bytes));
  }

  request<K extends RankKind>(dest: number, body: RankRequestOf<K>): Promise<RankReplies[K]> {
    if (this.#closed) return Promise.reject(this.#closed);
    if (dest === this.#transport.rank) return this.#handler(dest, body) as Promise<RankReplies[K]>;
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.#send(dest, { kind: 'request', id, body }).catch((err: Error) => {
        if (this.#pending.delete(id)) reject(err);
      });
    });
  }

  /** Fails every request in flight and refuses new ones; incoming messages are ignored after this. */
  close(reason: Error = new ClosedError('the runtime is shut down')): void {
    if (this.#closed) return;
    this.#closed = reason;
    this.#unsubscribe();
    for (const waiter of this.#pending.values()) waiter.reject(reason);
    this.#pending.clear();
  }

  #receive(source: number, bytes: Uint8Array): void {
    let envelope: RankEnvelope;
    try {
      envelope = decode<RankEnvelope>(bytes);
    } catch (err) {
      log('error', 'runtime.rpc.undecodable', { source, error: err });
      return;
    }
    if (envelope.kind === 'request') {
      const { id, body } = envelope;
      this.#handler(source, body).then(
        (value) => this.#reply(source, { kind: 'reply', id, ok: true, value }),
        (err) => this.#reply(source, { kind: 'reply', id, ok: false, error: toWireError(err, { rank: this.#transport.rank, host: kHost }) }),
      );
      return;
    }
    const waiter = this.#pending.get(envelope.id);
    if (!waiter) {
      log('warn', 'runtime.rpc.unknown-reply', { source, id: envelope.id });
      return;
    }
    this.#pending.delete(envelope.id);
    if (envelope.ok) waiter.resolve(envelope.value);
    else waiter.reject(fromWireError(envelope.error));
  }

  #reply(dest: number, envelope: RankEnvelope): void {
    this.#send(dest, envelope).catch((err) => log('warn', 'runtime.rpc.reply-lost', { dest, error: err }));
  }

  #send(dest: number, envelope: RankEnvelope): Promise<void> {
    let bytes: Uint8Array;
    try {
      bytes = encode(envelope);
    } catch (err) {
      if (envelope.kind === 'reply' && envelope.ok) {
        return this.#send(dest, { kind: 'reply', id: envelope.id, ok: false, error: toWireError(err, { rank: this.#transport.rank, host: kHost }) });
      }
      return Promise.reject(err);
    }
    return this.#transport.send(dest, kTagRpc, bytes);
  }
}
