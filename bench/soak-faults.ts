// bench/soak-faults.ts: the three faults the soak injects into a running search, and the
// seeded schedule that picks when and which. A rank killed with SIGKILL (mpirun then ends the
// job); a rank's actor threads restarted by SIGUSR2, the runtime's own kill; a spill file
// corrupted in place (bytes flipped inside one tensor, so only its checksum can tell).

import { closeSync, existsSync, openSync, readdirSync, readFileSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { checksumOf } from 'graft/store';
import type { RandomSource } from 'graft/util';

export type FaultKind = 'kill' | 'actor' | 'corrupt';

/** A layer whose spill file the soak damaged, and when (ms since the epoch, after the write). */
export interface Corruption {
  path: string;
  /** The rank whose folder the file is in: the layer's owner. */
  rank: number;
  home: string;
  layerId: string;
  tensor: string;
  at: number;
  job: number;
}

/** When the next fault comes and which it is, from one seeded generator. */
export class FaultSchedule {
  readonly #random: RandomSource;
  readonly #gapMs: [number, number];

  constructor(random: RandomSource, gapMs: [number, number]) {
    this.#random = random;
    this.#gapMs = gapMs;
  }

  /** Milliseconds until the next fault. */
  nextGap(): number {
    const [low, high] = this.#gapMs;
    return low + this.#random() * (high - low);
  }

  kind(): FaultKind {
    const x = this.#random();
    return x < 1 / 3 ? 'kill' : x < 2 / 3 ? 'actor' : 'corrupt';
  }

  /** An index in [0, n). */
  pick(n: number): number {
    return Math.floor(this.#random() * n);
  }
}

/** Sends `signal` to a process; false when it is gone already. */
export function signal(pid: number, sig: NodeJS.Signals): boolean {
  try {
    process.kill(pid, sig);
    return true;
  } catch {
    return false;
  }
}

/** Every spill file under `spillDir` (`r<rank>/<name>.layer`), newest first. */
export function spillFiles(spillDir: string): Array<{ path: string; rank: number; mtimeMs: number }> {
  const files: Array<{ path: string; rank: number; mtimeMs: number }> = [];
  let folders: string[];
  try {
    folders = readdirSync(spillDir);
  } catch {
    return files;
  }
  for (const folder of folders) {
    const rank = /^r(\d+)$/.exec(folder);
    if (!rank) continue;
    try {
      for (const name of readdirSync(join(spillDir, folder))) {
        if (!name.endsWith('.layer')) continue;
        const path = join(spillDir, folder, name);
        files.push({ path, rank: Number(rank[1]), mtimeMs: statSync(path).mtimeMs });
      }
    } catch {
      // The folder or a file went (retention, or a rank's store starting clears its own).
    }
  }
  return files.sort((a, b) => b.mtimeMs - a.mtimeMs);
}

interface SpillHeader {
  home: string;
  layerId: string;
  tensors: Array<{ name: string; offset: number; byteLength: number; checksum: number }>;
}

/** The header of a spill file and where its blob starts (the format of src/store/spill.ts). */
export function readSpillHeader(bytes: Buffer): { header: SpillHeader; blobStart: number } {
  const jsonLength = bytes.readUInt32LE(8);
  const header = JSON.parse(bytes.subarray(12, 12 + jsonLength).toString('utf8')) as SpillHeader;
  return { header, blobStart: Math.ceil((12 + jsonLength) / 8) * 8 };
}

/**
 * Flips 16 bytes inside one tensor of the file, in place, and checks that the tensor no longer
 * matches its checksum; null when the file went meanwhile (retention freed it) or is too small.
 */
export function corruptSpillFile(file: { path: string; rank: number }, pick: (n: number) => number, job: number): Corruption | null {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file.path);
  } catch {
    return null;
  }
  const { header, blobStart } = readSpillHeader(bytes);
  const tensors = header.tensors.filter((t) => t.byteLength >= 16);
  if (tensors.length === 0) return null;
  const tensor = tensors[pick(tensors.length)]!;
  const at = blobStart + tensor.offset + 4 * pick((tensor.byteLength - 16) / 4 + 1);
  const flipped = Buffer.from(bytes.subarray(at, at + 16).map((b) => b ^ 0xa5));
  let fd: number;
  try {
    fd = openSync(file.path, 'r+');
  } catch {
    return null;
  }
  try {
    writeSync(fd, flipped, 0, flipped.length, at);
  } finally {
    closeSync(fd);
  }
  let after: Buffer;
  try {
    after = readFileSync(file.path);
  } catch {
    return null; // freed meanwhile: nothing can load it now
  }
  const start = blobStart + tensor.offset;
  if (checksumOf(after.subarray(start, start + tensor.byteLength)) === tensor.checksum) {
    throw new Error(`flipping bytes of ${file.path} left its checksum intact`);
  }
  return { path: file.path, rank: file.rank, home: header.home, layerId: header.layerId, tensor: tensor.name, at: Date.now(), job };
}

/**
 * Layers that recent candidates loaded from spill files (the actors' `nas.transfer.fetched`
 * records in the last `tailBytes` of the log), as `home\0layerId`: damaging one of these is
 * likely to meet a reader soon, so the checksum check is put to work.
 */
export function recentSpillLoads(logFile: string, tailBytes = 256 * 1024): Set<string> {
  const hot = new Set<string>();
  if (!existsSync(logFile)) return hot;
  const text = readFileSync(logFile, 'utf8');
  for (const line of text.slice(-tailBytes).split('\n')) {
    if (!line.includes('"nas.transfer.fetched"')) continue;
    try {
      const r = JSON.parse(line) as { layers: Array<{ home: string; layerId: string; source: string }> };
      for (const l of r.layers) if (l.source === 'spill') hot.add(`${l.home}\u0000${l.layerId}`);
    } catch {
      // The first line of the tail, cut, or a torn one.
    }
  }
  return hot;
}

/** The spill files holding one of `layers` (keys as recentSpillLoads gives them). */
export function filesOf(files: ReadonlyArray<{ path: string; rank: number }>, layers: ReadonlySet<string>): Array<{ path: string; rank: number }> {
  return files.filter((f) => {
    try {
      const { header } = readSpillHeader(readFileSync(f.path));
      return layers.has(`${header.home}\u0000${header.layerId}`);
    } catch {
      return false;
    }
  });
}
