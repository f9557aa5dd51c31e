// transport/checked-read.ts: the CRC-32C of byte ranges of a read, computed in JS once the bytes
// are in: how every transport answers getChecked where no copying thread has checked them.

import { crc32cOf } from '../util/checksum.js';
import type { ByteRange } from './transport.js';

export function checksumsOf(bytes: Uint8Array, ranges: readonly ByteRange[]): number[] {
  return ranges.map((r) => crc32cOf(bytes.subarray(r.offset, r.offset + r.length)));
}
