// transport/mpi.ts: the Transport over MPI, a thin policy layer on the native addon. Each
// operation gets an id and a pending entry that ends exactly once: on the addon's completion
// event, on its failure event, or with a ClosedError at close. The pending entry also holds the
// caller's buffer, so the memory the MPI thread reads stays alive without any copy.

import { ClosedError } from '../errors.js';
import { TagDispatcher } from './dispatch.js';
import { MessageTruncatedError, MpiError, RegionBoundsError, UnknownRegionError } from './errors.js';
import { FailReason, NativeEvent } from './native-binding.js';
import type { NativeBinding } from './native-binding.js';
import { checksumsOf } from './checked-read.js';
import type { ByteRange, BytesLike, CheckedRead, ExposedRegion, MessageHandler, RegionRef, SubscribeOptions, Transport, TransportInfo } from './transport.js';
import { checkDestination, checkRanges, checkRank, checkRead, checkTag, toBytes } from './validate.js';
import { installExitHooks } from './exit-hooks.js';
import { hostname } from 'node:os';

/** Payloads up to this size are copied by the addon (native/src/addon.cc, kCopySendLimit). */
const kCopiedSendLimit = 16 * 1024;

interface Pending {
  resolve(value: unknown): void;
  reject(err: Error): void;
  /** The caller's bytes, held until the MPI thread is done with them. */
  hold?: Uint8Array;
  /** For gets: what was asked, to name it in errors. */
  read?: RegionRef;
}

export class MpiTransport implements Transport {
  static #opened: MpiTransport | undefined;
  readonly info: TransportInfo;
  readonly #native: NativeBinding;
  readonly #pending = new Map<number, Pending>();
  readonly #dispatcher: TagDispatcher;
  /** Exposed buffers, held while exposed and until the MPI thread stops reading them. */
  readonly #regions = new Map<number, Uint8Array>();
  #nextId = 1;
  #nextRegion = 1;
  #closed = false;
  #alive = false;
  readonly #removeExitHooks: () => void;

  /** MPI starts once per process: every call returns the same transport. */
  static open(native: NativeBinding): MpiTransport {
    if (MpiTransport.#opened) {
      if (MpiTransport.#opened.#closed) throw new ClosedError('MPI was finalized in this process and cannot start again');
      return MpiTransport.#opened;
    }
    MpiTransport.#opened = new MpiTransport(native);
    return MpiTransport.#opened;
  }

  private constructor(native: NativeBinding) {
    this.#native = native;
    // A borrowed message's block goes straight back to the addon's pool for the next receive.
    this.#dispatcher = new TagDispatcher(() => this.#updateKeepAlive(), (bytes) => native.recycle(bytes.buffer as ArrayBuffer));
    const init = native.init((kind, id, a, b) => this.#onEvent(kind, id, a, b), MpiError);
    this.info = {
      kind: 'mpi',
      rank: init.rank,
      size: init.size,
      localRank: init.localRank,
      localSize: init.localSize,
      host: init.processor || hostname(),
      library: init.library,
      threadLevel: init.threadLevel,
      directReadRanks: init.directPeers,
      progressCore: init.progressCore >= 0 ? init.progressCore : null,
    };
    this.#removeExitHooks = installExitHooks(`graft rank ${init.rank}`, (code) => native.shutdown(code));
  }

  get rank(): number {
    return this.info.rank;
  }

  get size(): number {
    return this.info.size;
  }

  async send(dest: number, tag: number, bytes: BytesLike): Promise<void> {
    this.#checkOpen();
    checkRank(dest, this.size, 'dest');
    checkTag(tag);
    const id = this.#nextId++;
    // The addon copies small payloads: then the buffer is free already and nothing is reported.
    // They reach it as a fresh copy made here: handing it the same small typed array again and
    // again (an acknowledgement buffer, say) was seen to switch V8 to full collections in that
    // process, which cut its 1 MiB receive bandwidth to a third.
    const given = toBytes(bytes);
    const view = given.byteLength <= kCopiedSendLimit ? given.slice() : given;
    if (this.#native.send(id, dest, tag, view)) return;
    return this.#wait<void>(id, { hold: view });
  }

  subscribe(tag: number, handler: MessageHandler, options?: SubscribeOptions): () => void {
    this.#checkOpen();
    return this.#dispatcher.subscribe(tag, handler, options);
  }

  async sendInto(dest: number, tag: number, bytes: BytesLike): Promise<void> {
    this.#checkOpen();
    checkRank(dest, this.size, 'dest');
    checkTag(tag);
    const view = toBytes(bytes);
    return this.#start<void>({ hold: view }, (id) => this.#native.sendInto(id, dest, tag, view));
  }

  async receiveInto(source: number, tag: number, into: BytesLike): Promise<Uint8Array> {
    this.#checkOpen();
    checkRank(source, this.size, 'source');
    checkTag(tag);
    const view = toBytes(into, 'receive destination');
    const count = await this.#start<number>({ hold: view }, (id) => this.#native.receiveInto(id, source, tag, view));
    return view.subarray(0, count);
  }

  async barrier(): Promise<void> {
    this.#checkOpen();
    return this.#start<void>({}, (id) => this.#native.barrier(id));
  }

  async allgather(bytes: BytesLike): Promise<Uint8Array[]> {
    this.#checkOpen();
    const view = toBytes(bytes);
    return this.#start<Uint8Array[]>({ hold: view }, (id) => this.#native.allgather(id, view));
  }

  async broadcast(root: number, bytes?: BytesLike): Promise<Uint8Array> {
    this.#checkOpen();
    checkRank(root, this.size, 'root');
    const view = root === this.rank ? toBytes(bytes, 'broadcast payload at the root') : undefined;
    const received = await this.#start<Uint8Array>(view ? { hold: view } : {}, (id) => this.#native.broadcast(id, root, view));
    // The root keeps its own bytes; the addon sends nothing back to it.
    return view ?? received;
  }

  expose(buffer: BytesLike): ExposedRegion {
    this.#checkOpen();
    const view = toBytes(buffer, 'exposed buffer');
    const id = this.#nextRegion++;
    this.#regions.set(id, view);
    this.#native.expose(id, view);
    let released = false;
    const ref: RegionRef = { rank: this.rank, id, length: view.byteLength };
    return {
      ref,
      release: () => {
        if (released || this.#closed) return;
        released = true;
        // The buffer stays held until the addon reports that no reply still reads it.
        this.#native.release(id);
      },
    };
  }

  async get(region: RegionRef, offset: number, length: number, into?: BytesLike): Promise<Uint8Array> {
    return (await this.#read(region, offset, length, [], into)).bytes;
  }

  async getChecked(region: RegionRef, offset: number, length: number, ranges: readonly ByteRange[], into?: BytesLike): Promise<CheckedRead> {
    return this.#read(region, offset, length, checkRanges(ranges, length), into);
  }

  async #read(region: RegionRef, offset: number, length: number, ranges: readonly ByteRange[], into?: BytesLike): Promise<CheckedRead> {
    this.#checkOpen();
    const ref = checkRead(region, offset, length, this.size);
    const target = checkDestination(into, length);
    // A rank on this node: copy straight out of its memory, checking each piece on the copying
    // thread as it lands. Anything that path cannot settle (a released region, a read past the
    // end, another node) is asked of the owner, who answers for sure.
    const native = ranges.length > 0 && this.#native.crc32c;
    const pairs = native ? new Float64Array(ranges.flatMap((r) => [r.offset, r.length])) : undefined;
    const crcs = native ? new Uint32Array(ranges.length) : undefined;
    const direct = await this.#native.directGet(ref.rank, ref.id, offset, length, target, pairs, crcs);
    let bytes: Uint8Array;
    if (direct !== null) {
      bytes = target ?? new Uint8Array(direct as ArrayBuffer);
      if (crcs) return { bytes, crc32c: [...crcs] };
    } else {
      const received = await this.#start<Uint8Array>(target ? { read: ref, hold: target } : { read: ref }, (id) =>
        this.#native.get(id, ref.rank, ref.id, offset, length, target),
      );
      // Into the caller's memory, the addon hands back nothing: the bytes are already there.
      bytes = target ?? received;
    }
    return { bytes, crc32c: checksumsOf(bytes, ranges) };
  }

  abort(code: number): never {
    const exitCode = Number.isInteger(code) ? code : 1;
    this.#native.abort(exitCode);
    // MPI_Abort does not return; if a broken library does, leave anyway.
    process.exit(exitCode);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    // Finalizing waits for every rank to close; the pending finalize keeps Node running, and the
    // exit hooks stay until it is done (at exit they find MPI finalized and do nothing).
    await this.#start<void>({}, (id) => this.#native.finalize(id));
    this.#removeExitHooks();
    // The addon fails what it still held before reporting; anything left ends here, once.
    const closed = new ClosedError('the MPI transport closed before the operation finished');
    for (const entry of this.#pending.values()) entry.reject(closed);
    this.#pending.clear();
    this.#regions.clear();
    this.#updateKeepAlive();
  }

  #start<T>(entry: Omit<Pending, 'resolve' | 'reject'>, post: (id: number) => void): Promise<T> {
    const id = this.#nextId++;
    post(id);
    return this.#wait<T>(id, entry);
  }

  /** The promise of operation `id`, posted already: its events reach JS only after this turn. */
  #wait<T>(id: number, entry: Omit<Pending, 'resolve' | 'reject'>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { ...entry, resolve: resolve as (value: unknown) => void, reject });
      this.#updateKeepAlive();
    });
  }

  #onEvent(kind: NativeEvent, id: number, a?: unknown, b?: unknown): void {
    if (kind === NativeEvent.Message) {
      // While closing, the addon still takes messages off the wire so no sender stalls.
      if (!this.#closed) this.#dispatcher.deliver(id, a as number, new Uint8Array(b as ArrayBuffer));
      return;
    }
    if (kind === NativeEvent.Released) {
      this.#regions.delete(id);
      return;
    }
    const entry = this.#pending.get(id);
    if (!entry) return; // finished already (a close failed it); the addon's late word is moot
    this.#pending.delete(id);
    this.#updateKeepAlive();
    switch (kind) {
      case NativeEvent.Done:
        entry.resolve(undefined);
        break;
      case NativeEvent.Received:
        entry.resolve(a as number);
        break;
      case NativeEvent.Bytes:
        entry.resolve(new Uint8Array(a as ArrayBuffer));
        break;
      case NativeEvent.Gathered:
        entry.resolve(split(a as ArrayBuffer, b as number[]));
        break;
      case NativeEvent.Failed:
        entry.reject(this.#failure(a as FailReason, b, entry.read));
        break;
    }
  }

  #failure(reason: FailReason, error: unknown, read: RegionRef | undefined): Error {
    const details = { ...read };
    switch (reason) {
      case FailReason.UnknownRegion:
        return new UnknownRegionError(`rank ${read?.rank} has no region ${read?.id}`, { details });
      case FailReason.OutOfBounds:
        return new RegionBoundsError(`read passes the end of region ${read?.id} on rank ${read?.rank}`, { details });
      case FailReason.Closed:
        return new ClosedError('the MPI transport closed before the operation finished');
      case FailReason.Truncated:
        return new MessageTruncatedError('a sendInto message was longer than the memory receiveInto offered for it');
      default:
        return error instanceof Error ? error : new MpiError(String(error), 0);
    }
  }

  /** Pending work, or a subscriber while open, keeps Node running, as an open socket does. */
  #updateKeepAlive(): void {
    const alive = this.#pending.size > 0 || (!this.#closed && this.#dispatcher.subscribedTags > 0);
    if (alive === this.#alive) return;
    this.#alive = alive;
    this.#native.keepAlive(alive);
  }

  #checkOpen(): void {
    if (this.#closed) throw new ClosedError(`rank ${this.rank}'s MPI transport is closed`);
  }
}

/** Views of one received buffer, one per rank; no copy. */
function split(buffer: ArrayBuffer, counts: number[]): Uint8Array[] {
  const parts: Uint8Array[] = [];
  let offset = 0;
  for (const count of counts) {
    parts.push(new Uint8Array(buffer, offset, count));
    offset += count;
  }
  return parts;
}
