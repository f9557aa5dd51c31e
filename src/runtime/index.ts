// runtime/index.ts: the actor runtime's public surface: init() and the Runtime it returns,
// handles and their types, call options, rank services, object refs, placement and GPU policy
// pieces, status and errors; and the request/reply engine the layers above use for their own wires.

export { init } from './init.js';
export { Runtime, type KillOptions } from './runtime.js';
export { ActorClass } from './actor-class.js';
export { callSignal, currentActor, type ActorContext } from './context.js';
export { kActor, kCallOptions, actorRefOf, isHandle, type CallOptions, type Remote } from './handle.js';
export type { RankServiceHandler } from './rank-services.js';
export { ObjectRef } from './object-ref.js';
export type { ConnectServiceOptions, InitOptions, SpawnOptions, TaskOptions } from './options.js';
export { defaultPlacement, fits, type PlacementPolicy, type PlacementRequest, type RankLoad } from './placement.js';
export { detectGpuInventory, parseNvidiaSmiList, parseVisibleDevices, GpuAllocator, type GpuSources } from './gpu.js';
export { registerErrorClass, errorOrigin, toWireError, fromWireError } from './wire-error.js';
export { Rpc, withTransfer, type RequestOptions, type RpcEndpoint, type RpcHandlers, type RpcProtocol } from './rpc.js';
export { portEndpoint, transportEndpoint } from './rpc-endpoints.js';
export type {
  ActorRef,
  ActorState,
  ActorStatus,
  ObjectRefData,
  PlacementStrategy,
  RankInfo,
  RankStatus,
  RemoteOrigin,
  Resources,
  RuntimeStatus,
  TypedArrayName,
  WireError,
} from './protocol.js';
export {
  AbortError,
  ActorDiedError,
  ActorNameTakenError,
  ActorNotFoundError,
  ActorStartTimeoutError,
  ModuleLoadError,
  NotDriverError,
  ObjectNotFoundError,
  ObjectStoreFullError,
  PlacementError,
  ProtocolError,
  RankServiceNotFoundError,
  SerializationError,
} from './errors.js';
