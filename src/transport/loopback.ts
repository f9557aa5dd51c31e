// transport/loopback.ts: many ranks inside one process, for unit tests of the layers above
// (gossip, remote actors) with up to about a thousand ranks. Delivery is really asynchronous
// (a macrotask after send), in order per (source, tag); payloads are copied at send so the
// sender may reuse its buffer at once, as over MPI. Knows nothing of MPI.

import { hostname } from 'node:os';
import { ClosedError, InvalidArgumentError } from '../errors.js';
import { TagDispatcher } from './dispatch.js';
import { CollectiveMismatchError, UnknownRegionError, RegionBoundsError } from './errors.js';
import { checksumsOf } from './checked-read.js';
import { PostedChannel } from './posted-channel.js';
import type { ByteRange, BytesLike, CheckedRead, ExposedRegion, MessageHandler, RegionRef, SubscribeOptions, Transport, TransportInfo } from './transport.js';
import { checkDestination, checkRanges, checkRank, checkRead, checkTag, toBytes } from './validate.js';

type CollectiveKind = 'barrier' | 'allgather' | 'broadcast';

interface Round {
  kind: CollectiveKind;
  root: number;
  arrived: number;
  contributions: Array<Uint8Array | undefined>;
  waiters: Map<number, { resolve: (value: Uint8Array[]) => void; reject: (err: Error) => void }>;
}

/**
 * The shared state of one in-process job: its ranks, their collectives and one delivery queue.
 * Exported for LocalTransport only; the layer's index does not export it.
 */
export class LoopbackHub {
  readonly members: LoopbackTransport[] = [];
  readonly rounds = new Map<number, Round>();
  readonly #queue: Array<() => void> = [];
  #scheduled = false;

  constructor(readonly size: number) {}

  /** Runs `task` in a later macrotask; tasks run in the order they were posted. */
  post(task: () => void): void {
    this.#queue.push(task);
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      // Tasks posted while flushing wait for the next turn, so a ping-pong still yields.
      for (const run of this.#queue.splice(0)) run();
    });
  }

  join(rank: number, seq: number, kind: CollectiveKind, root: number, bytes: Uint8Array | undefined): Promise<Uint8Array[]> {
    let round = this.rounds.get(seq);
    if (!round) {
      round = { kind, root, arrived: 0, contributions: new Array(this.size), waiters: new Map() };
      this.rounds.set(seq, round);
    }
    const current = round;
    return new Promise((resolve, reject) => {
      if (current.kind !== kind || current.root !== root) {
        const err = new CollectiveMismatchError(
          `rank ${rank} called ${kind}(root ${root}) where others called ${current.kind}(root ${current.root})`,
          { details: { rank, seq } },
        );
        this.rounds.delete(seq);
        for (const waiter of current.waiters.values()) waiter.reject(err);
        reject(err);
        return;
      }
      current.contributions[rank] = bytes && bytes.slice();
      current.waiters.set(rank, { resolve, reject });
      if (++current.arrived < this.size) return;
      this.rounds.delete(seq);
      // One copy per contribution, shared by every receiver: results are read-only by contract.
      const result = current.contributions as Uint8Array[];
      this.post(() => {
        for (const waiter of current.waiters.values()) waiter.resolve(result);
      });
    });
  }

  /** A rank closed: collectives still waiting for it can never finish. */
  failRoundsMissing(rank: number): void {
    for (const [seq, round] of this.rounds) {
      if (round.waiters.has(rank)) continue;
      this.rounds.delete(seq);
      const err = new ClosedError(`rank ${rank} closed before joining a ${round.kind}`, { details: { rank } });
      for (const waiter of round.waiters.values()) waiter.reject(err);
    }
  }
}

export class LoopbackTransport implements Transport {
  readonly info: TransportInfo;
  readonly #hub: LoopbackHub;
  /** A borrowed message's buffer (its own copy, see send) is detached: later reads see nothing. */
  readonly #dispatcher = new TagDispatcher(undefined, (bytes) => void structuredClone(bytes.buffer, { transfer: [bytes.buffer as ArrayBuffer] }));
  readonly #posted = new PostedChannel();
  readonly #regions = new Map<number, Uint8Array>();
  #nextRegion = 1;
  #collectiveSeq = 0;
  #closed = false;

  /** Use createLoopbackCluster() or new LocalTransport(). */
  constructor(hub: LoopbackHub, rank: number, kind: 'local' | 'loopback' = 'loopback') {
    this.#hub = hub;
    hub.members[rank] = this;
    const host = hostname();
    this.info = { kind, rank, size: hub.size, localRank: rank, localSize: hub.size, host, library: 'local', threadLevel: 'local', directReadRanks: 0, progressCore: null };
  }

  get rank(): number {
    return this.info.rank;
  }

  get size(): number {
    return this.info.size;
  }

  async send(dest: number, tag: number, bytes: BytesLike): Promise<void> {
    this.#post(dest, tag, bytes, (target, source, copy) => target.#dispatcher.deliver(source, tag, copy));
  }

  async sendInto(dest: number, tag: number, bytes: BytesLike): Promise<void> {
    this.#post(dest, tag, bytes, (target, source, copy) => target.#posted.arrive(source, tag, copy));
  }

  async receiveInto(source: number, tag: number, into: BytesLike): Promise<Uint8Array> {
    this.#checkOpen();
    checkRank(source, this.size, 'source');
    checkTag(tag);
    return this.#posted.post(source, tag, toBytes(into, 'receive destination'));
  }

  subscribe(tag: number, handler: MessageHandler, options?: SubscribeOptions): () => void {
    this.#checkOpen();
    return this.#dispatcher.subscribe(tag, handler, options);
  }

  async barrier(): Promise<void> {
    await this.#collective('barrier', 0, undefined);
  }

  async allgather(bytes: BytesLike): Promise<Uint8Array[]> {
    this.#checkOpen();
    return this.#collective('allgather', 0, toBytes(bytes));
  }

  async broadcast(root: number, bytes?: BytesLike): Promise<Uint8Array> {
    this.#checkOpen();
    checkRank(root, this.size, 'root');
    const mine = root === this.rank ? toBytes(bytes, 'broadcast payload at the root') : undefined;
    const all = await this.#collective('broadcast', root, mine);
    return all[root]!;
  }

  expose(buffer: BytesLike): ExposedRegion {
    this.#checkOpen();
    const bytes = toBytes(buffer, 'exposed buffer');
    const id = this.#nextRegion++;
    this.#regions.set(id, bytes);
    const ref: RegionRef = { rank: this.rank, id, length: bytes.byteLength };
    return { ref, release: () => void this.#regions.delete(id) };
  }

  async get(region: RegionRef, offset: number, length: number, into?: BytesLike): Promise<Uint8Array> {
    this.#checkOpen();
    const ref = checkRead(region, offset, length, this.size);
    const target = checkDestination(into, length);
    const owner = this.#hub.members[ref.rank]!;
    return new Promise((resolve, reject) => {
      this.#hub.post(() => {
        const bytes = owner.#closed ? undefined : owner.#regions.get(ref.id);
        if (!bytes) reject(new UnknownRegionError(`rank ${ref.rank} has no region ${ref.id}`, { details: { ...ref } }));
        else if (offset + length > bytes.byteLength) {
          reject(new RegionBoundsError(`read passes the end of region ${ref.id} (${bytes.byteLength} bytes)`, { details: { ...ref } }));
        } else if (target) {
          target.set(bytes.subarray(offset, offset + length));
          resolve(target);
        } else resolve(bytes.slice(offset, offset + length));
      });
    });
  }

  async getChecked(region: RegionRef, offset: number, length: number, ranges: readonly ByteRange[], into?: BytesLike): Promise<CheckedRead> {
    checkRanges(ranges, length);
    const bytes = await this.get(region, offset, length, into);
    return { bytes, crc32c: checksumsOf(bytes, ranges) };
  }

  abort(code: number): never {
    process.exit(code);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#regions.clear();
    this.#posted.close();
    this.#hub.failRoundsMissing(this.rank);
  }

  /** Copies `bytes` now (the sender may reuse its buffer at once) and hands them over later. */
  #post(dest: number, tag: number, bytes: BytesLike, arrive: (target: LoopbackTransport, source: number, copy: Uint8Array) => void): void {
    this.#checkOpen();
    checkRank(dest, this.size, 'dest');
    checkTag(tag);
    const copy = toBytes(bytes).slice();
    const target = this.#hub.members[dest]!;
    const source = this.rank;
    // A closed rank drops what arrives, like a finalized MPI process that no longer receives.
    this.#hub.post(() => target.#closed || arrive(target, source, copy));
  }

  #collective(kind: CollectiveKind, root: number, bytes: Uint8Array | undefined): Promise<Uint8Array[]> {
    this.#checkOpen();
    return this.#hub.join(this.rank, this.#collectiveSeq++, kind, root, bytes);
  }

  #checkOpen(): void {
    if (this.#closed) throw new ClosedError(`rank ${this.rank}'s transport is closed`);
  }
}

/** `n` ranks of one in-process job, index = rank. */
export function createLoopbackCluster(n: number): Transport[] {
  if (!Number.isInteger(n) || n < 1) {
    throw new InvalidArgumentError(`cluster size must be a positive integer, got ${n}`, { details: { n } });
  }
  const hub = new LoopbackHub(n);
  for (let rank = 0; rank < n; rank++) new LoopbackTransport(hub, rank);
  return hub.members;
}
