// util/checksum.ts: the one checksum graft uses for bytes it keeps or moves: CRC-32C with the
// processor's crc32 instructions (~10 GB/s on one core here, against ~2.3 GB/s for zlib's
// CRC-32). The MPI addon computes the same function in native code for the reads it copies.
// The package loads on first use: its loader takes 15–20 ms here, which every actor thread
// would otherwise pay at spawn whether it ever checks a byte or not.
import { createRequire } from 'node:module';

type Crc32c = (bytes: Uint8Array) => number;
let crc32c: Crc32c | undefined;

export function crc32cOf(bytes: Uint8Array): number {
  crc32c ??= (createRequire(import.meta.url)('@node-rs/crc32') as { crc32c: Crc32c }).crc32c;
  return crc32c(bytes);
}
