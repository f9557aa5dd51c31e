// runtime/relay.ts: call batches between a caller on one rank and an actor on another. On the
// caller's rank a relay is a MessagePort pair: the caller's link holds one end as if it led
// straight to the actor, the other end forwards each batch over the transport. On the actor's
// rank each relay holds a port into the actor's thread. A close on either side travels to the
// other, so a caller learns of its actor's death exactly as it would on one rank, and with it
// the actor's StartedMark (the caller's side keeps a copy; -1 until the actor's side reports).

import { MessageChannel, type MessagePort } from 'node:worker_threads';
import type { Transport } from '../transport/index.js';
import { log } from '../util/log.js';
import { decode, encode } from './codec.js';
import type { ActorRef, RankReplies, RankRequest, RelayFrame } from './protocol.js';
import type { Rpc } from './rpc.js';
import type { Connection } from './supervisor.js';
import { kTagRelay } from './tags.js';

/** Finds the local actor a relay should reach; rejects when it is unknown or dead. */
/** Requests between ranks' main threads, on one tag (see node.ts). */
export type RankRpc = Rpc<RankRequest, RankReplies, number>;

export type LocalConnector = (actor: number, after: number) => Promise<Connection>;

export class RelayHub {
  readonly #transport: Transport;
  readonly #rpc: RankRpc;
  readonly #connectLocal: LocalConnector;
  /** Caller side: conn -> the forwarding end of the caller's port pair, and the caller's StartedMark. */
  readonly #outgoing = new Map<number, { port: MessagePort; started: Float64Array }>();
  /** Actor side: `${callerRank}:${conn}` -> port into the actor's thread. */
  readonly #incoming = new Map<string, MessagePort>();
  readonly #unsubscribe: () => void;
  #nextConn = 1;

  constructor(transport: Transport, rpc: RankRpc, connectLocal: LocalConnector) {
    this.#transport = transport;
    this.#rpc = rpc;
    this.#connectLocal = connectLocal;
    this.#unsubscribe = transport.subscribe(kTagRelay, (source, bytes) => this.#receive(source, bytes));
  }

  /** Caller side: a port that reaches `actor` on its rank, once it has an incarnation newer than `after`. */
  async open(actor: ActorRef, after: number): Promise<Connection> {
    const conn = this.#nextConn++;
    const { port1: forward, port2: callerEnd } = new MessageChannel();
    const started = new SharedArrayBuffer(Float64Array.BYTES_PER_ELEMENT);
    const mark = new Float64Array(started);
    // Unknown until the actor's side says otherwise: every call in flight may have begun.
    mark[0] = -1;
    this.#outgoing.set(conn, { port: forward, started: mark });
    // A batch that cannot be sent ends the relay: the caller's link then treats its calls as lost
    // (retried or failed) instead of waiting for replies that cannot come.
    forward.on('message', (bytes: Uint8Array) => this.#send(actor.rank, { kind: 'to-actor', conn, bytes }, () => forward.close()));
    forward.once('close', () => {
      if (this.#outgoing.get(conn)?.port !== forward) return;
      this.#outgoing.delete(conn);
      this.#send(actor.rank, { kind: 'caller-closed', conn });
    });
    forward.unref();
    try {
      const opened = await this.#rpc.request(actor.rank, { kind: 'open-relay', conn, actor: actor.id, after });
      return { port: callerEnd, ...opened, started };
    } catch (err) {
      this.#outgoing.delete(conn);
      forward.close();
      throw err;
    }
  }

  /** Actor side: connects relay `conn` from `source` to the local actor. */
  async accept(source: number, conn: number, actor: number, after: number): Promise<Omit<Connection, 'port' | 'started'>> {
    const { port, incarnation, lastDeath, started } = await this.#connectLocal(actor, after);
    const key = `${source}:${conn}`;
    const mark = new Float64Array(started);
    this.#incoming.set(key, port);
    // A relay that breaks here leaves the actor alive, still able to begin what it was sent.
    let broken = false;
    const breakRelay = (): void => {
      broken = true;
      port.close();
    };
    port.on('message', (bytes: Uint8Array) => this.#send(source, { kind: 'to-caller', conn, bytes }, breakRelay));
    port.once('close', () => {
      if (this.#incoming.get(key) !== port) return;
      this.#incoming.delete(key);
      this.#send(source, { kind: 'actor-closed', conn, started: broken ? -1 : mark[0]! });
    });
    port.unref();
    return { incarnation, ...(lastDeath ? { lastDeath } : {}) };
  }

  close(): void {
    this.#unsubscribe();
    for (const { port } of this.#outgoing.values()) port.close();
    for (const port of this.#incoming.values()) port.close();
    this.#outgoing.clear();
    this.#incoming.clear();
  }

  #receive(source: number, bytes: Uint8Array): void {
    let frame: RelayFrame;
    try {
      frame = decode<RelayFrame>(bytes);
    } catch (err) {
      log('error', 'runtime.relay.undecodable', { source, error: err });
      return;
    }
    switch (frame.kind) {
      case 'to-actor':
        this.#incoming.get(`${source}:${frame.conn}`)?.postMessage(own(frame.bytes));
        break;
      case 'to-caller':
        this.#outgoing.get(frame.conn)?.port.postMessage(own(frame.bytes));
        break;
      case 'caller-closed': {
        const key = `${source}:${frame.conn}`;
        const port = this.#incoming.get(key);
        this.#incoming.delete(key);
        port?.close();
        break;
      }
      case 'actor-closed': {
        const outgoing = this.#outgoing.get(frame.conn);
        this.#outgoing.delete(frame.conn);
        // The mark first: the caller reads it when its port reports the close.
        if (outgoing) outgoing.started[0] = frame.started;
        outgoing?.port.close();
        break;
      }
    }
  }

  #send(dest: number, frame: RelayFrame, onFailure?: () => void): void {
    this.#transport.send(dest, kTagRelay, encode(frame)).catch((err) => {
      log('warn', 'runtime.relay.send-failed', { dest, kind: frame.kind, error: err });
      onFailure?.();
    });
  }
}

/** Decoded bytes are a view into the whole frame; posting a view would clone its whole buffer. */
function own(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : new Uint8Array(bytes);
}
