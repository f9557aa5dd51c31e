// store/spill.ts: a layer blob in a file of its own under the spill directory, which all ranks
// are meant to share (a parallel file system): any rank can read any rank's spilled layers.
// The path follows from (owner rank, home model, layer id), so nobody needs to be told it.
// Each rank owns its own folder, `r<rank>/`.
// Format: 'GRFL', u32 version, u32 header length, JSON header, zero padding to 8, the blob.

import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SpillFileError } from './errors.js';
import type { TensorMeta } from './model-entry.js';

const kMagic = 0x4c465247; // 'GRFL' little-endian
const kVersion = 1;

export interface SpillHeader {
  home: string;
  layerId: string;
  byteLength: number;
  tensors: TensorMeta[];
}

export function spillPath(spillDir: string, rank: number, home: string, layerId: string): string {
  const name = createHash('sha256').update(home).update('\u0000').update(layerId).digest('hex');
  return join(rankSpillDir(spillDir, rank), `${name}.layer`);
}

function rankSpillDir(spillDir: string, rank: number): string {
  return join(spillDir, `r${rank}`);
}

/**
 * Deletes `rank`'s folder, left by an earlier process of that rank (a job killed, then
 * resumed): a store starts empty, so no index entry can point at those files, and retention,
 * which only frees what its store holds, would never remove them.
 */
export function clearRankSpill(spillDir: string, rank: number): void {
  rmSync(rankSpillDir(spillDir, rank), { recursive: true, force: true });
}

export async function writeSpill(path: string, header: SpillHeader, blob: Uint8Array): Promise<void> {
  const json = Buffer.from(JSON.stringify(header));
  const head = Buffer.alloc(Math.ceil((12 + json.byteLength) / 8) * 8);
  head.writeUInt32LE(kMagic, 0);
  head.writeUInt32LE(kVersion, 4);
  head.writeUInt32LE(json.byteLength, 8);
  json.copy(head, 12);
  await mkdir(join(path, '..'), { recursive: true });
  // Write then rename: a reader never sees half a file under the final name.
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, Buffer.concat([head, blob]));
  await rename(tmp, path);
}

/** Reads a spill file; the blob is returned as a view into one fresh buffer. */
export async function readSpill(path: string, home: string, layerId: string): Promise<{ header: SpillHeader; blob: Uint8Array }> {
  let data: Buffer;
  try {
    data = await readFile(path);
  } catch (cause) {
    throw new SpillFileError(`no spill file for layer ${layerId} of ${home}`, { cause, details: { path, home, layerId } });
  }
  if (data.byteLength < 12 || data.readUInt32LE(0) !== kMagic || data.readUInt32LE(4) !== kVersion) {
    throw new SpillFileError(`${path} is not a graft spill file`, { details: { path } });
  }
  const jsonLength = data.readUInt32LE(8);
  let header: SpillHeader;
  try {
    header = JSON.parse(data.subarray(12, 12 + jsonLength).toString('utf8')) as SpillHeader;
  } catch (cause) {
    throw new SpillFileError(`${path} has a damaged header`, { cause, details: { path } });
  }
  const start = Math.ceil((12 + jsonLength) / 8) * 8;
  if (header.home !== home || header.layerId !== layerId || data.byteLength - start !== header.byteLength) {
    throw new SpillFileError(`${path} does not hold layer ${layerId} of ${home} whole`, { details: { path, home, layerId } });
  }
  return { header, blob: new Uint8Array(data.buffer, data.byteOffset + start, header.byteLength) };
}

export async function removeSpill(path: string): Promise<void> {
  await rm(path, { force: true });
}
