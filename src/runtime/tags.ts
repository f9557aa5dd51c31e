// runtime/tags.ts: the transport tags the runtime uses, inside its range 100–199.

/** Rank-to-rank requests and their replies (RPC frames of RankRequest). */
export const kTagRpc = 100;
/** Relayed call batches between a caller's rank and an actor's rank (RelayFrame). */
export const kTagRelay = 101;
