// test/nas/actor-death.test.ts: a training actor whose thread is killed while its candidate is
// handed to it does not lose the candidate: the candidate is evaluated exactly once, on the
// restarted actor (a call the dead thread never began is resent) or on another actor (a call
// it had begun fails with ActorDiedError and the search retries it elsewhere).

import { expect } from 'chai';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { init, kActor, type Remote, type Runtime } from 'graft/runtime';
import {
  Journal,
  ResultsCsv,
  RandomSearch,
  builtinSpaces,
  readJournal,
  runSearchDriver,
  toArchitecture,
  type EvaluationActor,
  type TrainingActor,
  type TrainingActorArgs,
} from 'graft/nas';

const actorModule = new URL('../../../dist/nas/evaluation/training-actor.js', import.meta.url);

describe('search with a dying actor', function () {
  this.timeout(120_000);
  let runtime: Runtime;
  let dir: string;

  before(async () => {
    runtime = await init();
    dir = mkdtempSync(join(tmpdir(), 'graft-death-'));
  });

  after(async () => {
    await runtime.shutdown();
  });

  it('evaluates the candidate of a killed actor exactly once', async () => {
    const space = builtinSpaces['synthetic']!;
    const args = (name: string): TrainingActorArgs => ({
      settings: { epochs: 1, batchSize: 32, learningRate: 0.01, seed: 1, transfer: 'none', transferMode: 'finetune', out: dir },
      data: { data: 'synthetic', task: 'classification', trainSize: 100, valSize: 50, testSize: 50, seed: 1 },
      backend: null,
      rank: 0,
      name,
      useStore: false,
    });
    const actors: Array<Remote<TrainingActor>> = [];
    for (const name of ['a', 'b']) {
      const actor = await runtime.spawn<TrainingActor>(actorModule, 'TrainingActor', [args(name)], { maxRestarts: 1 });
      await actor.ready();
      actors.push(actor);
    }
    let killed = false;
    const evaluators: EvaluationActor[] = actors.map((actor, k) => ({
      name: k === 0 ? 'a' : 'b',
      evaluate: (task) => {
        const call = actor.evaluate(task);
        if (k === 0 && task.id === 0 && !killed) {
          killed = true;
          void runtime.kill(actor, { restart: true });
        }
        return call;
      },
    }));
    const journal = new Journal(join(dir, 'journal.jsonl'));
    const summary = await runSearchDriver({
      strategy: new RandomSearch(space, 1),
      toArchitecture: (choices) => toArchitecture(space, choices, { inputShape: [16], output: { units: 4, task: 'classification' } }),
      actors: evaluators,
      journal,
      csv: new ResultsCsv(join(dir, 'results.csv')),
      maxEvals: 4,
      maxRetries: 2,
      evalTimeout: null,
      walltime: null,
    });
    journal.close();
    expect(killed).to.equal(true);
    expect(summary.evaluated).to.equal(4);
    const evaluations = readJournal(journal.file).records.filter((r) => r.kind === 'evaluation');
    expect(evaluations.map((r) => r.id).sort()).to.deep.equal([0, 1, 2, 3]);
    const zero = evaluations.find((r) => r.id === 0)!;
    expect(['a', 'b']).to.include(zero.kind === 'evaluation' && zero.actor);
    const status = await runtime.status();
    expect(status.actors.find((a) => a.id === actors[0]![kActor].id)?.restarts).to.equal(1);
  });
});
