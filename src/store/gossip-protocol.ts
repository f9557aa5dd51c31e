// store/gossip-protocol.ts: the gossip wire, types only. An exchange is three messages (push-pull
// anti-entropy in the Scuttlebutt style): the initiator sends its digest ('syn'), the peer
// answers with what the initiator lacks and its own digest ('ack'), the initiator sends what
// the peer lacks ('ack2'). A digest is one (seen sequence, heartbeat) pair per rank.

export const kGossipProtocolVersion = 1;

/** One value written by `origin`, versioned by the origin's own sequence counter. */
export interface GossipRecord<V> {
  key: string;
  origin: number;
  seq: number;
  value: V;
}

/** Every record of one origin newer than the receiver's digest says, up to `upTo`. */
export interface OriginDelta<V> {
  origin: number;
  upTo: number;
  records: GossipRecord<V>[];
}

/** `[seen_0, heartbeat_0, seen_1, heartbeat_1, …]`, one pair per rank. */
export type Digest = Uint32Array;

export type GossipMsg<V> =
  | { kind: 'syn'; v: number; id: number; digest: Digest }
  | { kind: 'ack'; v: number; id: number; digest: Digest; deltas: OriginDelta<V>[] }
  | { kind: 'ack2'; v: number; id: number; deltas: OriginDelta<V>[] };

/** What a replica reports to its owner as state changes. */
export type ReplicaEvent<V> =
  | { kind: 'record'; record: GossipRecord<V>; previous: GossipRecord<V> | undefined }
  | { kind: 'suspect'; rank: number }
  | { kind: 'alive'; rank: number };
