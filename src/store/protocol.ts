// store/protocol.ts: the gossip wire, types only. An exchange is three messages (push-pull
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

// ---- Between a rank's store (main thread) and its actors (worker threads), over a port ----

/** An error as it crosses a thread: rebuilt on the other side with the same class and code. */
export interface WireError {
  name: string;
  code: string;
  message: string;
  stack?: string;
  details: Record<string, unknown>;
}

export type StoreRequest =
  | { kind: 'donor'; id: number; layerIds: string[]; exclude: string[] }
  | { kind: 'model'; id: number; modelId: string }
  | { kind: 'fetch'; id: number; layers: import('./model-entry.js').LayerRef[] }
  | { kind: 'put'; id: number; model: import('./layer-store.js').PutModel }
  | { kind: 'release'; id: number; fetchId: number };

export type StoreReply =
  | { kind: 'donor'; id: number; match: import('./gossip-index.js').DonorMatch | null }
  | { kind: 'model'; id: number; model: import('./gossip-index.js').StoredModel | null }
  | { kind: 'fetched'; id: number; result: WireFetchResult }
  | { kind: 'put'; id: number; result: import('./layer-store.js').PutResult }
  | { kind: 'released'; id: number }
  | { kind: 'error'; id: number; error: WireError };

/** A FetchResult without its functions; missing layers carry their error as a WireError. */
export interface WireFetchResult {
  layers: import('./fetch.js').FetchedLayer[];
  missing: Array<{ layerId: string; home: string; reason: string; error: WireError }>;
  bytes: number;
  seconds: number;
  bytesBySource: Record<import('./fetch.js').LayerSource, number>;
  source: import('./fetch.js').LayerSource | 'none';
}
