// transport/transport.ts: the one interface every transport implements (local, in-process
// loopback, MPI). It moves bytes between ranks and knows nothing of actors, layers or models.
// Upper layers own their tags: runtime 100–199, store 200–299, nas 300–399.

/** What `doctor` and the logs report about this process's place in the job. */
export interface TransportInfo {
  kind: 'local' | 'loopback' | 'mpi';
  rank: number;
  size: number;
  /** Rank among the ranks on the same node, and how many share the node. */
  localRank: number;
  localSize: number;
  host: string;
  /** MPI library version string, or 'local'. */
  library: string;
  /** MPI thread level granted (e.g. 'MPI_THREAD_MULTIPLE'), or 'local'. */
  threadLevel: string;
  /**
   * Ranks on this node (this one included) whose exposed memory this rank reads by
   * cross-memory attach, without MPI and without work on their side; 0 outside MPI.
   */
  directReadRanks: number;
  /** The core this rank's MPI progress thread is pinned to; null when not pinned or not MPI. */
  progressCore: number | null;
}

/** Bytes a transport accepts without copying: a buffer or any view of one. */
export type BytesLike = ArrayBufferView | ArrayBuffer | SharedArrayBuffer;

/** A handler for messages of one tag. `bytes` is owned by the handler from then on. */
export type MessageHandler = (source: number, bytes: Uint8Array) => void;

export interface SubscribeOptions {
  /**
   * The handler only borrows `bytes`: they are valid until it returns, then their memory goes
   * back for the next message and the view reads as empty. For handlers that decode or copy at
   * once: no allocation per message, and no fresh pages to fault in and zero.
   */
  borrow?: boolean;
}

/** A serialisable description of an exposed memory region, sent to peers so they can read it. */
export interface RegionRef {
  rank: number;
  id: number;
  length: number;
}

/** Bytes `offset … offset + length` of a read, counted from the read's start. */
export interface ByteRange {
  offset: number;
  length: number;
}

/** What a checked read resolves with: the bytes, and the CRC-32C of each range asked for. */
export interface CheckedRead {
  bytes: Uint8Array;
  crc32c: number[];
}

/** A local memory region peers may read one-sided with `Transport.get`. */
export interface ExposedRegion {
  readonly ref: RegionRef;
  /** Withdraws the region; later gets of it fail. */
  release(): void;
}

export interface Transport {
  readonly info: TransportInfo;
  readonly rank: number;
  readonly size: number;

  /** Sends `bytes` to `dest` with `tag`; resolves when the buffer may be reused. */
  send(dest: number, tag: number, bytes: BytesLike): Promise<void>;
  /**
   * Receives every message of `tag`, in order per (source, tag). Returns an unsubscribe. One
   * subscriber per tag; messages that arrive before anyone subscribes wait for the subscriber.
   */
  subscribe(tag: number, handler: MessageHandler, options?: SubscribeOptions): () => void;

  /**
   * Sends `bytes` to a receive that `dest` posts with `receiveInto(thisRank, tag, …)`: a channel
   * apart from send/subscribe, for bulk data the receiver knows is coming. The bytes go from
   * this memory straight into the receiver's, with no buffer between. Resolves when `bytes`
   * may be reused, which is after the receiver has posted its receive.
   */
  sendInto(dest: number, tag: number, bytes: BytesLike): Promise<void>;
  /**
   * Receives the next `sendInto` message from `source` with `tag` into `into`, and resolves
   * with the view of the bytes that came. Receives posted for one (source, tag) are matched in
   * the order posted. A message longer than `into` fails with MessageTruncatedError.
   */
  receiveInto(source: number, tag: number, into: BytesLike): Promise<Uint8Array>;

  barrier(): Promise<void>;
  /** Every rank contributes bytes; every rank gets all of them, indexed by rank. */
  allgather(bytes: BytesLike): Promise<Uint8Array[]>;
  /** `root` gives bytes; every rank resolves with them. */
  broadcast(root: number, bytes?: BytesLike): Promise<Uint8Array>;

  /**
   * Makes `buffer` (backed by ArrayBuffer or SharedArrayBuffer) readable by peers. Its memory is
   * read in place: keep it unchanged while exposed. Page-aligned buffers read fastest over MPI.
   */
  expose(buffer: BytesLike): ExposedRegion;
  /**
   * Reads `length` bytes at `offset` of a peer's (or this rank's) exposed region. With `into`
   * (at least `length` bytes) the bytes land there, with no allocation, and the promise
   * resolves with the view of them; otherwise in a new buffer.
   */
  get(region: RegionRef, offset: number, length: number, into?: BytesLike): Promise<Uint8Array>;
  /**
   * As `get`, and the CRC-32C of each of `ranges` (within the read). Under MPI, a read from a
   * rank on this node checks each piece on the thread that copied it, while it is still in
   * cache; otherwise the checksums are computed once the bytes are in.
   */
  getChecked(region: RegionRef, offset: number, length: number, ranges: readonly ByteRange[], into?: BytesLike): Promise<CheckedRead>;

  /** Ends the whole job at once with `code` (MPI_Abort under MPI). */
  abort(code: number): never;
  /** Orderly finalize; every later call fails with a ClosedError. */
  close(): Promise<void>;
}
