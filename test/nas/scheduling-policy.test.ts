// test/nas/scheduling-policy.test.ts: the default placement of pending candidates on free
// actors, without threads, and a replacement policy taking effect in the driver.

import { expect } from 'chai';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Journal,
  RandomSearch,
  ResultsCsv,
  builtinSpaces,
  preferUntriedActors,
  readJournal,
  runSearchDriver,
  toArchitecture,
  type ActorView,
  type EvaluationActor,
  type EvaluationTask,
  type PendingTask,
  type SchedulingPolicy,
} from 'graft/nas';

const task = (id: number): EvaluationTask => ({ id, choices: [], parent: null, architecture: {} as EvaluationTask['architecture'], attempt: 0 });
const pending = (id: number, avoid: number[] = []): PendingTask => ({ task: task(id), avoid: new Set(avoid) });
const actors = (...states: Array<'free' | 'busy' | 'retired'>): ActorView[] => states.map((s) => ({ busy: s === 'busy', retired: s === 'retired' }));

describe('preferUntriedActors', () => {
  it('starts the first pending task on a free actor it has not failed on', () => {
    expect(preferUntriedActors.next([pending(0, [0]), pending(1)], actors('free', 'busy'), false)).to.deep.equal({ task: 1, actor: 0 });
    expect(preferUntriedActors.next([pending(0, [0])], actors('free', 'free'), false)).to.deep.equal({ task: 0, actor: 1 });
  });

  it('lets a retry wait for an untried actor until nothing new is coming, then takes a free one', () => {
    const retry = [pending(0, [0])];
    expect(preferUntriedActors.next(retry, actors('free', 'busy'), false)).to.equal(null);
    expect(preferUntriedActors.next(retry, actors('free', 'busy'), true)).to.deep.equal({ task: 0, actor: 0 });
  });

  it('sends a task that failed on every usable actor to any free one, and never to a retired actor', () => {
    expect(preferUntriedActors.next([pending(0, [1])], actors('retired', 'free'), false)).to.deep.equal({ task: 0, actor: 1 });
    expect(preferUntriedActors.next([pending(0)], actors('retired', 'busy'), true)).to.equal(null);
  });
});

describe('search driver with another scheduling policy', () => {
  it('places every candidate where the policy says', async () => {
    const space = builtinSpaces['synthetic']!;
    const dir = mkdtempSync(join(tmpdir(), 'graft-policy-'));
    const ran: Record<string, number[]> = { first: [], last: [] };
    const actor = (name: string): EvaluationActor => ({
      name,
      async evaluate(t) {
        ran[name]!.push(t.id);
        await new Promise((r) => setImmediate(r));
        return {
          score: 0.5, valLoss: 1, epochs: 1, trainSeconds: 0, totalSeconds: 0, curve: [0], rank: 0, actor: name, backend: 'none',
          transfer: { donorId: null, layersMatched: 0, layersTransferred: 0, layersSkipped: 0, bytesFetched: 0, fetchSeconds: 0, source: 'none' },
        };
      },
    });
    // Only the last actor, whichever is free: the first never gets a candidate.
    const lastOnly: SchedulingPolicy = {
      next: (p, a) => (p.length > 0 && !a[a.length - 1]!.busy ? { task: 0, actor: a.length - 1 } : null),
    };
    const journal = new Journal(join(dir, 'journal.jsonl'));
    const summary = await runSearchDriver({
      strategy: new RandomSearch(space, 2),
      toArchitecture: (choices) => toArchitecture(space, choices, { inputShape: [16], output: { units: 4, task: 'classification' } }),
      actors: [actor('first'), actor('last')],
      policy: lastOnly,
      journal,
      csv: new ResultsCsv(join(dir, 'results.csv')),
      maxEvals: 6,
      maxRetries: 0,
      evalTimeout: null,
      walltime: null,
    });
    journal.close();
    expect(summary.evaluated).to.equal(6);
    expect(ran.first).to.deep.equal([]);
    expect(ran.last).to.have.length(6);
    expect(readJournal(journal.file).records.filter((r) => r.kind === 'evaluation')).to.have.length(6);
  });
});
