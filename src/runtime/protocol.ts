// runtime/protocol.ts: every message the runtime sends between threads and between ranks, as
// types only. Three wires:
//   call wire    caller thread <-> actor thread, over a MessagePort: msgpackr bytes, each port
//                message one batch (an array of ToActorMsg, or of ReplyMsg);
//   thread wire  a thread <-> its rank's main thread: structured-clone objects, because they
//                carry MessagePorts and SharedArrayBuffers (user values inside are msgpackr bytes);
//   rank wire    rank <-> rank over the Transport: msgpackr bytes (tags in ./tags.ts).
// On the thread and rank wires, requests and replies travel as RPC frames (./rpc.ts).
// Typed arrays always travel as bytes with their element type beside them.

import type { MessagePort } from 'node:worker_threads';

/** Checked when an actor thread starts; bump on any incompatible change below. */
export const kProtocolVersion = 2;

// ---------------------------------------------------------------------------------------------
// Shared shapes

/** Where a remote error came from. */
export interface RemoteOrigin {
  rank: number;
  host: string;
  actor?: number;
  actorName?: string;
  className?: string;
  method?: string;
  task?: string;
}

/** An error as it crosses a boundary: enough to rebuild the same class on the other side. */
export interface WireError {
  name: string;
  message: string;
  stack?: string;
  code?: string;
  details?: Record<string, unknown>;
  cause?: WireError;
  origin?: RemoteOrigin;
}

/** What a handle carries: everything a caller on any rank needs to reach the actor. */
export interface ActorRef {
  id: number;
  rank: number;
  className: string;
  name?: string;
  maxTaskRetries: number;
}

export type TypedArrayName =
  | 'Int8Array' | 'Uint8Array' | 'Uint8ClampedArray' | 'Int16Array' | 'Uint16Array'
  | 'Int32Array' | 'Uint32Array' | 'Float32Array' | 'Float64Array' | 'BigInt64Array' | 'BigUint64Array';

/** What an object ref carries. `kind` says whether `get` gives a typed array or a decoded value. */
export interface ObjectRefData {
  id: number;
  rank: number;
  kind: 'typed' | 'value';
  byteLength: number;
}

export interface Resources {
  cpu: number;
  gpu: number;
  memoryMB: number;
}

export type PlacementStrategy = 'spread' | 'pack';

/** Spawn options with every default filled in (see options.ts). */
export interface ResolvedSpawnOptions {
  resources: Resources;
  rank?: number;
  strategy: PlacementStrategy;
  name?: string;
  maxRestarts: number;
  maxTaskRetries: number;
  maxConcurrency: number;
  /** Each incarnation must finish its module import and constructor within this many ms. */
  startTimeoutMs: number;
}

export interface SpawnSpec {
  moduleUrl: string;
  className: string;
  /** msgpackr-encoded constructor arguments (may hold handles and refs). */
  args: Uint8Array;
  options: ResolvedSpawnOptions;
}

export interface TaskSpec {
  moduleUrl: string;
  fnName: string;
  /** msgpackr-encoded arguments. */
  args: Uint8Array;
  rank: number;
}

export type ActorState = 'starting' | 'alive' | 'restarting' | 'dead';

export interface ActorStatus {
  id: number;
  name?: string;
  className: string;
  rank: number;
  state: ActorState;
  incarnation: number;
  callsDone: number;
  restarts: number;
  gpus: string[];
  resources: Resources;
}

/** One rank's capacity, gathered from every rank at init. */
export interface RankInfo {
  rank: number;
  host: string;
  localRank: number;
  cpus: number;
  gpus: string[];
  memoryMB: number;
}

export interface RankStatus extends RankInfo {
  used: Resources;
  actors: number;
  objects: { count: number; bytes: number; limitBytes: number };
}

export interface RuntimeStatus {
  driverRank: number;
  ranks: RankStatus[];
  actors: ActorStatus[];
}

// ---------------------------------------------------------------------------------------------
// RPC frames: the one shape of every request and reply (runtime control, rank to rank, and the
// store's wires above). `v` is the version of the protocol the body belongs to.

/** What every request body has: its kind, the key of its handler and of its reply type. */
export interface RpcBody {
  kind: string;
}

export type RpcFrame<B extends RpcBody = RpcBody> =
  | { kind: 'request'; v: number; id: number; body: B }
  | { kind: 'reply'; v: number; id: number; ok: true; value: unknown }
  | { kind: 'reply'; v: number; id: number; ok: false; error: WireError };

// ---------------------------------------------------------------------------------------------
// Call wire (msgpackr; one port message = one batch)

export interface CallMsg {
  kind: 'call';
  id: number;
  method: string;
  args: unknown[];
  /** Set when the caller passed an AbortSignal: the actor runs the call with a signal of its own. */
  cancellable?: true;
}

/** The caller gave up on call `id` (its signal aborted): drop it if queued, abort its signal if running. */
export interface CancelMsg {
  kind: 'cancel';
  id: number;
}

/** What a caller sends an actor. */
export type ToActorMsg = CallMsg | CancelMsg;

export type ReplyMsg =
  | { kind: 'ok'; id: number; value: unknown }
  | { kind: 'error'; id: number; error: WireError };

// ---------------------------------------------------------------------------------------------
// Thread wire (structured clone)

/**
 * The shared mark of one caller connection: a Float64Array[1] holding the id of the last call
 * the actor began on it (0: none; -1: not known, as when a relay broke). Call ids of a
 * connection begin in increasing order, so a call above the mark when the port closed was never
 * run and can go to the next incarnation as if it had never been sent.
 */
export type StartedMark = SharedArrayBuffer;

/** An object as it sits in, or leaves, a rank's store within one process. */
export type LocalObject =
  | { kind: 'typed'; dtype: TypedArrayName; buffer: SharedArrayBuffer; byteOffset: number; length: number }
  | { kind: 'value'; bytes: Uint8Array };

/** An object as it travels between ranks: typed arrays as raw bytes. */
export type WireObject =
  | { kind: 'typed'; dtype: TypedArrayName; bytes: Uint8Array }
  | { kind: 'value'; bytes: Uint8Array };

/** What any thread asks of its rank's main thread. */
export type ControlRequest =
  | { kind: 'spawn'; spec: SpawnSpec }
  | { kind: 'lookup'; name: string }
  | { kind: 'connect'; actor: ActorRef; after: number }
  | { kind: 'kill'; actor: ActorRef; restart: boolean }
  | { kind: 'put'; value: LocalObject }
  | { kind: 'get'; ref: ObjectRefData }
  | { kind: 'release'; ref: ObjectRefData }
  | { kind: 'task'; spec: TaskSpec }
  /** A private port to the rank service `name` of this thread's rank. */
  | { kind: 'rank-service'; name: string }
  | { kind: 'status' }
  | { kind: 'shutdown' };

/** The reply value for each control request kind. */
export interface ControlReplies {
  spawn: ActorRef;
  lookup: ActorRef;
  /** A port straight to the actor's current incarnation (or to a relay for a remote one). */
  connect: { port: MessagePort; incarnation: number; lastDeath?: WireError; started: StartedMark };
  kill: null;
  put: ObjectRefData;
  get: LocalObject;
  release: null;
  /** msgpackr-encoded return value. */
  task: Uint8Array;
  /** The caller's end; the other end went to the service's onConnect. */
  'rank-service': { port: MessagePort };
  status: RuntimeStatus;
  shutdown: null;
}

export type ControlKind = ControlRequest['kind'];
export type ControlRequestOf<K extends ControlKind> = Extract<ControlRequest, { kind: K }>;

/** What an actor thread is told when it starts (worker_threads workerData). */
export interface ActorWorkerData {
  version: number;
  actor: ActorRef;
  incarnation: number;
  moduleUrl: string;
  args: Uint8Array;
  maxConcurrency: number;
  gpus: string[];
  /** Set as the thread's own CUDA_VISIBLE_DEVICES (a per-thread copy of the environment). */
  cudaVisibleDevices?: string;
  /** Int32Array[1] of calls completed, written by the actor, read by status(). */
  stats: SharedArrayBuffer;
  rank: number;
  size: number;
  host: string;
  driverRank: number;
}

export type SupervisorToActor =
  /** To a spare thread started ahead of need: become this actor. */
  | { kind: 'assign'; data: ActorWorkerData }
  /**
   * A caller's port; the actor writes into `started` (see StartedMark) each call it begins.
   * `poll`: the caller is a thread that may be waiting on each reply, worth polling for its
   * next call; false for a relay, whose thread the polling would only take a core from.
   */
  | { kind: 'connect'; port: MessagePort; started: StartedMark; poll: boolean }
  /** The reply to one of the actor's control requests. */
  | Extract<RpcFrame, { kind: 'reply' }>;

export type ActorToSupervisor =
  | { kind: 'ready'; version: number }
  | { kind: 'init-failed'; error: WireError }
  /** A control request (ControlRequest) to the rank's main thread. */
  | RpcFrame<ControlRequest>;

// ---------------------------------------------------------------------------------------------
// Rank wire (msgpackr over the Transport)

export type RankRequest =
  /** to the driver rank: place, name and create an actor */
  | { kind: 'spawn'; spec: SpawnSpec }
  | { kind: 'lookup'; name: string }
  | { kind: 'status' }
  /** driver -> owner rank: start the actor's thread */
  | { kind: 'create'; actor: ActorRef; spec: SpawnSpec }
  /** owner rank -> driver: the actor is gone for good, free its resources and name */
  | { kind: 'actor-dead'; id: number }
  /** caller rank -> owner rank: open relay `conn` to the actor's incarnation after `after` */
  | { kind: 'open-relay'; conn: number; actor: number; after: number }
  | { kind: 'kill'; actor: number; restart: boolean }
  | { kind: 'object-get'; id: number }
  | { kind: 'object-release'; id: number }
  | { kind: 'task'; spec: TaskSpec }
  /** driver -> every rank: its actors and store usage */
  | { kind: 'list' }
  /** driver -> every rank: stop actors and pools, then meet at the closing barrier */
  | { kind: 'shutdown' };

export interface RankReplies {
  spawn: ActorRef;
  lookup: ActorRef;
  status: RuntimeStatus;
  create: null;
  'actor-dead': null;
  'open-relay': { incarnation: number; lastDeath?: WireError };
  kill: null;
  'object-get': WireObject;
  'object-release': null;
  task: Uint8Array;
  list: { actors: ActorStatus[]; objects: RankStatus['objects'] };
  shutdown: null;
}

export type RankKind = RankRequest['kind'];
export type RankRequestOf<K extends RankKind> = Extract<RankRequest, { kind: K }>;

/** Call-wire batches relayed between ranks; `conn` is chosen by the caller's rank. */
export type RelayFrame =
  | { kind: 'to-actor'; conn: number; bytes: Uint8Array }
  | { kind: 'to-caller'; conn: number; bytes: Uint8Array }
  | { kind: 'caller-closed'; conn: number }
  /** `started`: the actor's StartedMark for this relay when its port closed. */
  | { kind: 'actor-closed'; conn: number; started: number };
