// store/gossip-replica.ts: one rank's replica of a gossiped key-value map, and the protocol
// steps that reconcile two replicas (Scuttlebutt: van Renesse et al., "Efficient
// Reconciliation and Flow Control for Anti-Entropy Protocols", 2008). Each record is written
// by one origin rank and carries the origin's sequence number, so a replica's knowledge of an
// origin is one number and a delta is "everything of origin o after seq s". Heartbeats ride in
// the digests; an origin whose heartbeat stops rising for `suspectAfter` ticks is suspected.
// Pure state: no timers, no transport, no encoding; drivers move the messages.

import type { Digest, GossipMsg, GossipRecord, OriginDelta, ReplicaEvent } from './gossip-protocol.js';
import { kGossipProtocolVersion } from './gossip-protocol.js';

export interface ReplicaOptions {
  rank: number;
  size: number;
  /** Ticks without a heartbeat rise before an origin is suspected. */
  suspectAfter: number;
}

export class GossipReplica<V> {
  readonly rank: number;
  readonly size: number;
  readonly #suspectAfter: number;
  readonly #seen: Uint32Array;
  readonly #heartbeat: Uint32Array;
  readonly #heardAt: Float64Array;
  readonly #suspected: Uint8Array;
  readonly #byOrigin: Array<Map<string, GossipRecord<V>> | undefined>;
  readonly #listeners: Array<(event: ReplicaEvent<V>) => void> = [];
  #now = 0;
  #nextId = 1;
  #recordCount = 0;

  constructor(options: ReplicaOptions) {
    this.rank = options.rank;
    this.size = options.size;
    this.#suspectAfter = options.suspectAfter;
    this.#seen = new Uint32Array(options.size);
    this.#heartbeat = new Uint32Array(options.size);
    this.#heardAt = new Float64Array(options.size);
    this.#suspected = new Uint8Array(options.size);
    this.#byOrigin = new Array(options.size);
  }

  /** Reports every record change and suspicion change from now on. */
  onEvent(listener: (event: ReplicaEvent<V>) => void): void {
    this.#listeners.push(listener);
  }

  get recordCount(): number {
    return this.#recordCount;
  }

  get(origin: number, key: string): GossipRecord<V> | undefined {
    return this.#byOrigin[origin]?.get(key);
  }

  *records(): IterableIterator<GossipRecord<V>> {
    for (const map of this.#byOrigin) if (map) yield* map.values();
  }

  /** The sequence number up to which this replica holds every record of `origin`. */
  seen(origin: number): number {
    return this.#seen[origin]!;
  }

  isSuspected(rank: number): boolean {
    return this.#suspected[rank] === 1;
  }

  /** Writes (or overwrites) one of this rank's own records. */
  write(key: string, value: V): GossipRecord<V> {
    const seq = ++this.#seen[this.rank]!;
    const record: GossipRecord<V> = { key, origin: this.rank, seq, value };
    this.#store(record);
    return record;
  }

  /** One period has passed: beat this rank's heartbeat and suspect origins gone quiet. */
  tick(): void {
    this.#now++;
    this.#heartbeat[this.rank]!++;
    for (let o = 0; o < this.size; o++) {
      if (o === this.rank || this.#suspected[o]) continue;
      if (this.#now - this.#heardAt[o]! > this.#suspectAfter) this.#setSuspected(o, true);
    }
  }

  /** A peer did not answer in time: suspect it now, until its heartbeat rises again. */
  suspect(rank: number): void {
    if (rank !== this.rank && !this.#suspected[rank]) this.#setSuspected(rank, true);
  }

  /** Opens an exchange with a peer. */
  syn(): Extract<GossipMsg<V>, { kind: 'syn' }> {
    return { kind: 'syn', v: kGossipProtocolVersion, id: this.#nextId++, digest: this.digest() };
  }

  /** Answers a peer's 'syn': what it lacks, and this replica's digest so it can push back. */
  onSyn(msg: Extract<GossipMsg<V>, { kind: 'syn' }>): Extract<GossipMsg<V>, { kind: 'ack' }> {
    this.#mergeHeartbeats(msg.digest);
    return { kind: 'ack', v: kGossipProtocolVersion, id: msg.id, digest: this.digest(), deltas: this.deltasFor(msg.digest) };
  }

  /** Takes the peer's answer and returns what the peer lacks. */
  onAck(msg: Extract<GossipMsg<V>, { kind: 'ack' }>): Extract<GossipMsg<V>, { kind: 'ack2' }> {
    this.#mergeHeartbeats(msg.digest);
    this.apply(msg.deltas);
    return { kind: 'ack2', v: kGossipProtocolVersion, id: msg.id, deltas: this.deltasFor(msg.digest) };
  }

  onAck2(msg: Extract<GossipMsg<V>, { kind: 'ack2' }>): void {
    this.apply(msg.deltas);
  }

  digest(): Digest {
    const d = new Uint32Array(2 * this.size);
    for (let o = 0; o < this.size; o++) {
      d[2 * o] = this.#seen[o]!;
      d[2 * o + 1] = this.#heartbeat[o]!;
    }
    return d;
  }

  /** Every record a replica with digest `peer` lacks, grouped by origin. */
  deltasFor(peer: Digest): OriginDelta<V>[] {
    const out: OriginDelta<V>[] = [];
    for (let o = 0; o < this.size; o++) {
      const theirs = peer[2 * o]!;
      const mine = this.#seen[o]!;
      if (mine <= theirs) continue;
      const records: GossipRecord<V>[] = [];
      for (const r of this.#byOrigin[o]!.values()) if (r.seq > theirs) records.push(r);
      out.push({ origin: o, upTo: mine, records });
    }
    return out;
  }

  apply(deltas: readonly OriginDelta<V>[]): void {
    for (const delta of deltas) {
      const o = delta.origin;
      // This rank is the only writer of its own records; the rest is old news.
      if (o === this.rank || o < 0 || o >= this.size || delta.upTo <= this.#seen[o]!) continue;
      const known = this.#seen[o]!;
      for (const r of delta.records) if (r.seq > known) this.#store(r);
      this.#seen[o] = delta.upTo;
    }
  }

  #store(record: GossipRecord<V>): void {
    let map = this.#byOrigin[record.origin];
    if (!map) map = this.#byOrigin[record.origin] = new Map();
    const previous = map.get(record.key);
    if (previous && previous.seq >= record.seq) return;
    map.set(record.key, record);
    if (!previous) this.#recordCount++;
    for (const l of this.#listeners) l({ kind: 'record', record, previous });
  }

  #mergeHeartbeats(digest: Digest): void {
    for (let o = 0; o < this.size; o++) {
      const hb = digest[2 * o + 1]!;
      if (o === this.rank || hb <= this.#heartbeat[o]!) continue;
      this.#heartbeat[o] = hb;
      this.#heardAt[o] = this.#now;
      if (this.#suspected[o]) this.#setSuspected(o, false);
    }
  }

  #setSuspected(rank: number, suspected: boolean): void {
    this.#suspected[rank] = suspected ? 1 : 0;
    if (!suspected) this.#heardAt[rank] = this.#now;
    for (const l of this.#listeners) l(suspected ? { kind: 'suspect', rank } : { kind: 'alive', rank });
  }
}
