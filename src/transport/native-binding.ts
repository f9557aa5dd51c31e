// transport/native-binding.ts: the shape of the C++ addon (native/) and its loader. The addon
// is dumb: it queues operations to its MPI thread and reports completions as numbered events;
// every policy (promises, errors, order of delivery) lives in mpi.ts. Only this module loads it.

import { createRequire } from 'node:module';
import { MpiUnavailableError } from './errors.js';
import type { MpiError } from './errors.js';

/** What MPI said about this process at init. */
export interface NativeInfo {
  rank: number;
  size: number;
  localRank: number;
  localSize: number;
  processor: string;
  library: string;
  threadLevel: string;
  /** Ranks read by cross-memory attach (native/src/direct-read.h). */
  directPeers: number;
  /** The core the MPI thread is pinned to, or -1 (native/src/engine.cc, PinProgressThread). */
  progressCore: number;
}

/** Event kinds the addon reports; the values are shared with native/src/events.h. */
export enum NativeEvent {
  /** (kind, source, tag, ArrayBuffer) */
  Message = 1,
  /** (kind, id) a send, barrier or finalize finished */
  Done = 2,
  /** (kind, id, ArrayBuffer) a broadcast or get finished */
  Bytes = 3,
  /** (kind, id, ArrayBuffer, number[] byte counts per rank) an allgather finished */
  Gathered = 4,
  /** (kind, id, FailReason, MpiError | undefined) an operation failed */
  Failed = 5,
  /** (kind, regionId) a released region is no longer read by any in-flight reply */
  Released = 6,
  /** (kind, id, byte count) a receiveInto filled the caller's memory */
  Received = 7,
}

/** Why a get or another operation failed; shared with native/src/events.h. */
export enum FailReason {
  Mpi = 0,
  UnknownRegion = 1,
  OutOfBounds = 2,
  Closed = 3,
  Truncated = 4,
}

export type NativeEventHandler = (kind: NativeEvent, id: number, a?: unknown, b?: unknown) => void;

export interface NativeBinding {
  /** Starts the MPI thread, which initialises MPI with the highest thread level it grants. */
  init(onEvent: NativeEventHandler, errorClass: typeof MpiError): NativeInfo;
  /** True when the payload was copied (or empty): it is free now and no event will follow. */
  send(id: number, dest: number, tag: number, bytes: Uint8Array): boolean;
  /** Sends from the caller's memory to a posted receive; reports Done(id). */
  sendInto(id: number, dest: number, tag: number, bytes: Uint8Array): void;
  /** Posts a receive into the caller's memory; reports Received(id, count). */
  receiveInto(id: number, source: number, tag: number, into: Uint8Array): void;
  barrier(id: number): void;
  allgather(id: number, bytes: Uint8Array): void;
  broadcast(id: number, root: number, bytes: Uint8Array | undefined): void;
  expose(regionId: number, bytes: Uint8Array): void;
  release(regionId: number): void;
  /** Reads into `into` when given (the addon then reports Bytes with an empty buffer). */
  get(id: number, rank: number, regionId: number, offset: number, length: number, into?: Uint8Array): void;
  /**
   * A same-node read by cross-memory attach, with no MPI: resolves with the bytes, with true
   * when they landed in `into`, or with null when the region cannot be read that way (another
   * node, released, out of bounds, refused): then `get` asks the owner. With `ranges`, pairs of
   * (offset, length) from the read's start, it also writes their CRC-32C into `crcs`.
   */
  directGet(rank: number, regionId: number, offset: number, length: number, into?: Uint8Array, ranges?: Float64Array, crcs?: Uint32Array): Promise<ArrayBuffer | true | null>;
  /** Whether directGet can compute CRC-32C of (offset, length) `ranges` into `crcs` as it copies. */
  readonly crc32c: boolean;
  /** Detaches a message's ArrayBuffer and returns its memory to the receive pool at once. */
  recycle(bytes: ArrayBuffer): void;
  /** Whether the addon's pending work keeps Node's event loop alive. */
  keepAlive(on: boolean): void;
  /** Orderly finalize in the background; reports Done(id) when MPI is finalized. */
  finalize(id: number): void;
  /** At process exit: finalize (code 0) or abort the job (any other code); blocks until done. */
  shutdown(code: number): void;
  abort(code: number): void;
}

const kAddonPath = '../../native/build/Release/graft_mpi.node';

/** Loads the addon; undefined when it was not built (no MPI on the machine at install). */
export function loadNativeBinding(): NativeBinding | undefined {
  const require = createRequire(import.meta.url);
  try {
    return require(kAddonPath) as NativeBinding;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') return undefined;
    throw new MpiUnavailableError(`the MPI addon is built but does not load: ${(err as Error).message}`, { cause: err });
  }
}
