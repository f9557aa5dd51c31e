// store/index.ts: the layer store's public surface: the per-rank LayerStore, the GossipIndex
// replica with its donor query, a rank's stores for a job (RankStores) and an actor's way to them
// (connectStore, StoreClient), and the pieces tests and benchmarks drive directly (the
// prefix index and the round-based gossip simulator).

export * from './layer-record.js';
export type { TensorMeta, MemoryLocation, LayerInfo, ModelStatus, ModelEntry, LayerRef, ReplicaList, IndexValue } from './model-entry.js';
export { LayerStore } from './layer-store.js';
export type { RetainResult, StoreStats } from './layer-store.js';
export type { DonorMatch, StoredModel, PutModel, PutResult, FetchResult, FetchedLayer, MissingLayer, LayerSource } from './types.js';
export { GossipIndex, kGossipTag } from './gossip-index.js';
export type { GossipStats } from './gossip-index.js';
export { PrefixIndex } from './prefix-index.js';
export type { PrefixModel, PrefixMatch } from './prefix-index.js';
export { betterDonorFirst } from './donor-order.js';
export type { DonorCandidate, DonorOrder } from './donor-order.js';
export { simulateGossip } from './gossip-simulator.js';
export { GossipReplica } from './gossip-replica.js';
export type { ReplicaOptions } from './gossip-replica.js';
export type { GossipMsg, GossipRecord, OriginDelta, Digest, ReplicaEvent } from './gossip-protocol.js';
export type { GossipSimulationOptions, GossipSimulationResult } from './gossip-simulator.js';
export { kGossipDefaults, kStoreDefaults, defaultSuspectAfter } from './options.js';
export type { GossipOptions, LayerStoreOptions } from './options.js';
export * from './errors.js';
export { serveStore } from './store-service.js';
export { StoreClient } from './store-client.js';
export { connectStore } from './store-bridge.js';
export { RankStores } from './rank-stores.js';
export { storeStatsFile, type StoreStatsSample } from './store-stats-file.js';
export type { StoreRequest, StoreReplies, WireFetchResult } from './port-protocol.js';
