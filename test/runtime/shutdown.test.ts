// Shutdown: every rank stops, serve() resolves, pending and later calls fail with ClosedError,
// only the driver may shut down. Status and the JSON-lines event log.

import { expect } from 'chai';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClosedError, setLogFile } from 'graft';
import { NotDriverError, type Remote } from 'graft/runtime';
import type { Counter } from '../fixtures/runtime/actors.js';
import { actorsUrl, startJob } from './cluster.js';

describe('runtime: shutdown, status and events', () => {
  it('stops every rank: serve() resolves, pending and later calls reject with ClosedError', async () => {
    const job = await startJob(3);
    const remote = await job.driver.spawn<Counter>(actorsUrl, 'Counter', [], { rank: 2 });
    const local = await job.driver.spawn<Counter>(actorsUrl, 'Counter', [], { rank: 0 });
    await remote.get();
    const pending = local.later(5000, 1).then(
      () => 'resolved',
      (err: Error) => err,
    );
    let notDriver: unknown;
    try {
      await job.ranks[1]!.shutdown();
    } catch (err) {
      notDriver = err;
    }
    expect(notDriver).to.be.instanceOf(NotDriverError);
    await job.stop();
    await job.served;
    const outcome = await pending;
    expect(outcome).to.be.instanceOf(ClosedError);
    for (const call of [remote.get(), job.driver.spawn(actorsUrl, 'Counter'), job.ranks[1]!.status()]) {
      const err = await call.then(
        () => undefined,
        (e: Error) => e,
      );
      expect(err).to.be.instanceOf(ClosedError);
    }
  });

  it('writes runtime events as JSON lines', async () => {
    const file = join(tmpdir(), `graft-runtime-events-${process.pid}.jsonl`);
    rmSync(file, { force: true });
    const job = await startJob(1, { logFile: file });
    try {
      const c: Remote<Counter> = await job.driver.spawn<Counter>(actorsUrl, 'Counter', [], { maxRestarts: 1 });
      await c.exit(1).catch(() => undefined);
      await c.get();
    } finally {
      await job.stop();
      setLogFile(process.env.GRAFT_LOG || undefined);
    }
    const events = readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { event: string; level: string });
    const names = events.map((e) => e.event);
    for (const name of ['runtime.spawn', 'runtime.actor.start', 'runtime.actor.ready', 'runtime.actor.died', 'runtime.actor.restart', 'runtime.shutdown']) {
      expect(names).to.include(name);
    }
    expect(events.find((e) => e.event === 'runtime.actor.died')!.level).to.equal('warn');
    rmSync(file, { force: true });
  });
});
