// transport/index.ts: the transport layer's public surface.

export type {
  Transport,
  TransportInfo,
  MessageHandler,
  RegionRef,
  ExposedRegion,
  BytesLike,
  ByteRange,
  CheckedRead,
  SubscribeOptions,
} from './transport.js';
export { openTransport } from './factory.js';
export { LocalTransport } from './local.js';
export { createLoopbackCluster } from './loopback.js';
export { MpiTransport } from './mpi.js';
export { launchedByMpi, launcherRank, launcherTasks, launchMismatch } from './launcher.js';
export { kMaxTag, kMaxPayload } from './validate.js';
export {
  RankOutOfRangeError,
  InvalidTagError,
  InvalidPayloadError,
  TagInUseError,
  RegionBoundsError,
  UnknownRegionError,
  CollectiveMismatchError,
  MpiUnavailableError,
  MpiError,
  MessageTruncatedError,
} from './errors.js';
