// train/data/idx.ts: parser for the IDX format MNIST ships in: a 4-byte magic (two zero
// bytes, a type code, the number of dimensions), big-endian uint32 sizes, then the data.
// Only unsigned bytes (type 0x08) occur in MNIST, and only they are accepted.

import { DatasetError } from '../errors.js';

export interface IdxArray {
  shape: number[];
  /** A view into the parsed buffer, row-major. */
  data: Uint8Array;
}

export function parseIdx(bytes: Uint8Array, source: string): IdxArray {
  const fail = (problem: string): never => {
    throw new DatasetError(`${source}: ${problem}`, { details: { file: source } });
  };
  if (bytes.byteLength < 4) fail('too short for an IDX header');
  if (bytes[0] !== 0 || bytes[1] !== 0) fail('wrong magic: not an IDX file');
  if (bytes[2] !== 0x08) fail(`IDX type 0x${bytes[2].toString(16)} is not supported (only unsigned bytes, 0x08)`);
  const rank = bytes[3];
  if (rank === 0) fail('IDX file with no dimensions');
  const headerLength = 4 + 4 * rank;
  if (bytes.byteLength < headerLength) fail('header is truncated');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  for (let i = 0; i < rank; i++) shape.push(view.getUint32(4 + 4 * i, false));
  const size = shape.reduce((a, b) => a * b, 1);
  if (bytes.byteLength !== headerLength + size) {
    fail(`shape [${shape}] needs ${size} data bytes, file has ${bytes.byteLength - headerLength}`);
  }
  return { shape, data: bytes.subarray(headerLength) };
}
