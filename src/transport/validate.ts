// transport/validate.ts: the argument checks every transport makes at its door, so local,
// loopback and MPI reject the same bad input with the same error classes.

import { InvalidArgumentError } from '../errors.js';
import { InvalidPayloadError, InvalidTagError, RankOutOfRangeError, RegionBoundsError } from './errors.js';
import type { ByteRange, BytesLike, RegionRef } from './transport.js';

/** The largest tag any transport accepts: MPI guarantees tags up to 32767 and no further. */
export const kMaxTag = 32767;
/** The largest payload: MPI counts are C ints. */
export const kMaxPayload = 2 ** 31 - 1;

export function checkRank(rank: unknown, size: number, what: string): number {
  if (typeof rank !== 'number' || !Number.isInteger(rank)) {
    throw new InvalidArgumentError(`${what} must be an integer rank, got ${describe(rank)}`, { details: { [what]: rank } });
  }
  if (rank < 0 || rank >= size) {
    throw new RankOutOfRangeError(`${what} ${rank} is outside 0…${size - 1}`, { details: { [what]: rank, size } });
  }
  return rank;
}

export function checkTag(tag: unknown): number {
  if (typeof tag !== 'number' || !Number.isInteger(tag) || tag < 0 || tag > kMaxTag) {
    throw new InvalidTagError(`tag must be an integer in 0…${kMaxTag}, got ${describe(tag)}`, { details: { tag } });
  }
  return tag;
}

/** A Uint8Array over the same memory as `bytes` (never a copy). */
export function toBytes(bytes: unknown, what = 'payload'): Uint8Array {
  let view: Uint8Array;
  if (bytes instanceof Uint8Array) view = bytes;
  else if (ArrayBuffer.isView(bytes)) view = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  else if (bytes instanceof ArrayBuffer || bytes instanceof SharedArrayBuffer) view = new Uint8Array(bytes);
  else {
    throw new InvalidPayloadError(
      `${what} must be an ArrayBuffer, a SharedArrayBuffer or a view of one, got ${describe(bytes)}`,
    );
  }
  if (view.byteLength > kMaxPayload) {
    throw new InvalidPayloadError(`${what} of ${view.byteLength} bytes exceeds ${kMaxPayload}`, {
      details: { byteLength: view.byteLength },
    });
  }
  return view;
}

export function checkNonNegativeInteger(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new InvalidArgumentError(`${what} must be a non-negative integer, got ${describe(value)}`);
  }
  return value;
}

/** Checks a one-sided read against the region's advertised length. */
export function checkRead(region: unknown, offset: unknown, length: unknown, size: number): RegionRef {
  if (typeof region !== 'object' || region === null) {
    throw new InvalidArgumentError(`region must be a RegionRef, got ${describe(region)}`);
  }
  const ref = region as RegionRef;
  checkRank(ref.rank, size, 'region.rank');
  checkNonNegativeInteger(ref.id, 'region.id');
  checkNonNegativeInteger(ref.length, 'region.length');
  const off = checkNonNegativeInteger(offset, 'offset');
  const len = checkNonNegativeInteger(length, 'length');
  if (off + len > ref.length) {
    throw new RegionBoundsError(`read of ${len} bytes at offset ${off} passes the region's end (${ref.length} bytes)`, {
      details: { offset: off, length: len, regionLength: ref.length },
    });
  }
  if (len > kMaxPayload) throw new InvalidPayloadError(`read of ${len} bytes exceeds ${kMaxPayload}`);
  return ref;
}

/** The destination of a read: a view of at least `length` bytes (never a copy). */
export function checkDestination(into: unknown, length: number): Uint8Array | undefined {
  if (into === undefined) return undefined;
  const view = toBytes(into, 'get destination');
  if (view.byteLength < length) {
    throw new InvalidArgumentError(`get destination holds ${view.byteLength} bytes, fewer than the ${length} asked for`, {
      details: { byteLength: view.byteLength, length },
    });
  }
  return view.subarray(0, length);
}

/** The ranges of a checked read: each within its `length` bytes. */
export function checkRanges(ranges: unknown, length: number): readonly ByteRange[] {
  if (!Array.isArray(ranges)) throw new InvalidArgumentError(`ranges must be an array of { offset, length }, got ${describe(ranges)}`);
  for (const range of ranges as ByteRange[]) {
    const off = checkNonNegativeInteger(range?.offset, 'range offset');
    const len = checkNonNegativeInteger(range?.length, 'range length');
    if (off + len > length) {
      throw new InvalidArgumentError(`range of ${len} bytes at ${off} passes the end of the ${length}-byte read`, { details: { offset: off, length: len } });
    }
  }
  return ranges as ByteRange[];
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return value.constructor?.name ?? 'object';
  if (typeof value === 'string') return `string '${value.slice(0, 20)}'`;
  return `${typeof value} ${String(value)}`;
}
