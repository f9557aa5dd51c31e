// store/rank-protocol.ts: what the driver rank asks every other rank's layer store, types only.
// Requests and replies travel as the runtime's RPC frames over the transport (rank-stores.ts).

import type { RpcProtocol } from '../runtime/index.js';

export const kRankStoreProtocol: RpcProtocol = { name: 'store rank lifecycle', version: 1 };

export type RankStoreRequest =
  /** Keep these models (and what they point at); drop the others. */
  | { kind: 'retain'; keep: string[] }
  /** Close the store; the reply says it is closed. */
  | { kind: 'stop' };

export interface RankStoreReplies {
  retain: null;
  stop: null;
}
