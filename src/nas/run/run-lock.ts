// nas/run/run-lock.ts: one writer per run directory. A search (or a top-K or pairs phase) holds
// `DIR/lock` while it writes the journal: a file made exclusively, holding the writer's host
// and pid, its time refreshed every 30 s. A second process is refused at once, naming the
// holder. A lock left by a writer that died (same host and its pid gone, or not refreshed for
// two minutes, as after a node failure and a requeue elsewhere) is taken over.

import { closeSync, openSync, readFileSync, rmSync, statSync, utimesSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError } from '../../errors.js';
import { log } from '../../util/log.js';

export const kLockFile = 'lock';
const kRefreshMs = 30_000;
const kStaleMs = 120_000;

interface Holder {
  host: string;
  pid: number;
  command: string;
}

export interface RunLock {
  release(): void;
}

/** Takes the lock of run directory `dir` for `command` ('search', 'topk', 'pairs'), or throws InvalidArgumentError naming its holder. */
export function lockRunDir(dir: string, command: string): RunLock {
  const file = join(dir, kLockFile);
  const me: Holder = { host: hostname(), pid: process.pid, command };
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, JSON.stringify(me) + '\n');
      closeSync(fd);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw err;
      const holder = readHolder(file);
      if (holder && !isStale(file, holder)) {
        throw new InvalidArgumentError(
          `${dir} is in use by 'graft ${holder.command}' (host ${holder.host}, pid ${holder.pid}); one process writes a run directory at a time. ` +
            `If that process is gone, remove ${file}`,
          { details: { option: 'out', dir, host: holder.host, pid: holder.pid } },
        );
      }
      log('warn', 'nas.lock.stale', { file, holder });
      rmSync(file, { force: true });
    }
  }
  const timer = setInterval(() => {
    const now = new Date();
    try {
      utimesSync(file, now, now);
    } catch {
      // The directory went away; nothing to keep.
    }
  }, kRefreshMs);
  timer.unref();
  return {
    release: () => {
      clearInterval(timer);
      if (readHolder(file)?.pid === me.pid) rmSync(file, { force: true });
    },
  };
}

function readHolder(file: string): Holder | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Holder;
  } catch {
    return null; // half written or gone: treated as stale
  }
}

function isStale(file: string, holder: Holder): boolean {
  if (holder.host === hostname() && !alive(holder.pid)) return true;
  try {
    return Date.now() - statSync(file).mtimeMs > kStaleMs;
  } catch {
    return true;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
