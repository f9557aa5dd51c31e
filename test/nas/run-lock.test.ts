// One writer per run directory: a second process is refused naming the holder; a lock whose
// holder is gone (same host, dead pid) or silent for minutes is taken over.

import { expect } from 'chai';
import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError } from 'graft';
import { kLockFile, lockRunDir } from 'graft/nas';

describe('lockRunDir()', () => {
  it('refuses a second writer with the holder, and frees the directory on release', () => {
    const dir = mkdtempSync(join(tmpdir(), 'graft-lock-'));
    const lock = lockRunDir(dir, 'search');
    try {
      lockRunDir(dir, 'pairs');
      expect.fail('expected the second lock to be refused');
    } catch (err) {
      expect(err).to.be.instanceOf(InvalidArgumentError);
      expect((err as InvalidArgumentError).details).to.include({ host: hostname(), pid: process.pid });
    }
    lock.release();
    lockRunDir(dir, 'pairs').release();
  });

  it('takes over a lock whose holder died, or that nobody refreshed for minutes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'graft-lock-'));
    // A pid above the kernel's limit is never alive.
    writeFileSync(join(dir, kLockFile), JSON.stringify({ host: hostname(), pid: 2 ** 22 + 1, command: 'search' }));
    lockRunDir(dir, 'search').release();
    writeFileSync(join(dir, kLockFile), JSON.stringify({ host: 'another-node', pid: 1, command: 'search' }));
    expect(() => lockRunDir(dir, 'search')).to.throw(InvalidArgumentError);
    const old = new Date(Date.now() - 10 * 60_000);
    utimesSync(join(dir, kLockFile), old, old);
    lockRunDir(dir, 'search').release();
  });
});
