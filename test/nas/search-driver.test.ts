// test/nas/search-driver.test.ts: the search loop without threads: every candidate recorded
// exactly once, a failing or hanging actor's candidate retried elsewhere, an actor that keeps
// failing retired, and resume replaying the journal into the same proposals.

import { expect } from 'chai';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ActorDiedError } from 'graft/runtime';
import {
  AgingEvolution,
  Journal,
  RandomSearch,
  ResultsCsv,
  SearchAbortedError,
  builtinSpaces,
  readJournal,
  runSearchDriver,
  toArchitecture,
  type EvaluationResult,
  type EvaluationTask,
  type EvaluationActor,
  type JournalRecord,
  type SearchDriverOptions,
  type EvaluationRecord,
  type FailureRecord,
  type SearchStrategy,
} from 'graft/nas';

const space = builtinSpaces['synthetic']!;
const shape = { inputShape: [16], output: { units: 4, task: 'classification' as const } };

function result(task: EvaluationTask, actor: string): EvaluationResult {
  return {
    score: task.choices.reduce((a, b, k) => a + b * (k + 1), 0) / 50,
    valLoss: 1,
    epochs: 1,
    trainSeconds: 0,
    totalSeconds: 0,
    curve: [0],
    transfer: { donorId: null, layersMatched: 0, layersTransferred: 0, layersSkipped: 0, bytesFetched: 0, fetchSeconds: 0, source: 'none' },
    rank: 0,
    actor,
    backend: 'none',
  };
}

/** An actor that answers after a few turns of the event loop (so calls overlap). */
function actor(name: string, behaviour: (task: EvaluationTask) => 'ok' | 'fail' | 'bad' | 'hang' = () => 'ok'): EvaluationActor & { tasks: number[] } {
  const tasks: number[] = [];
  return {
    name,
    tasks,
    async evaluate(task) {
      tasks.push(task.id);
      for (let i = 0; i < 1 + (task.id % 3); i++) await new Promise((r) => setImmediate(r));
      const b = behaviour(task);
      if (b === 'fail') throw new ActorDiedError(`${name} died`);
      if (b === 'bad') throw new Error(`candidate ${task.id} cannot train`);
      if (b === 'hang') await new Promise(() => {});
      return result(task, name);
    },
  };
}

describe('search driver', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'graft-driver-'));
  });

  function options(actors: EvaluationActor[], extra: Partial<SearchDriverOptions> = {}, journalFile = join(dir, 'journal.jsonl')): SearchDriverOptions {
    return {
      strategy: new AgingEvolution(space, { population: 4, sample: 2, beta: 1, seed: 3 }),
      toArchitecture: (choices) => toArchitecture(space, choices, shape),
      actors,
      journal: new Journal(journalFile),
      csv: new ResultsCsv(join(dir, 'results.csv')),
      maxEvals: 15,
      maxRetries: 2,
      evalTimeout: null,
      walltime: null,
      ...extra,
    };
  }

  function outcomes(file: string): Array<EvaluationRecord | FailureRecord> {
    return readJournal(file).records.filter((r): r is EvaluationRecord | FailureRecord => r.kind === 'evaluation' || r.kind === 'failure');
  }

  it('records every candidate exactly once, in the journal and in results.csv', async () => {
    const o = options([actor('a'), actor('b'), actor('c')]);
    const summary = await runSearchDriver(o);
    o.journal.close();
    expect(summary.evaluated).to.equal(15);
    const ids = outcomes(o.journal.file).map((r) => r.id).sort((x, y) => x - y);
    expect(ids).to.deep.equal([...Array(15).keys()]);
    const proposals = readJournal(o.journal.file).records.filter((r) => r.kind === 'proposal');
    expect(proposals).to.have.length(15);
    const rows = readFileSync(join(dir, 'results.csv'), 'utf8').trim().split('\n').slice(1);
    expect(rows.map((r) => Number(r.split(',')[0])).sort((x, y) => x - y)).to.deep.equal(ids);
  });

  it("retries a dead actor's candidate on another actor and retires an actor that keeps failing", async () => {
    const dead = actor('dead', () => 'fail');
    const good = actor('good');
    const o = options([dead, good], { maxEvals: 8 });
    const summary = await runSearchDriver(o);
    o.journal.close();
    expect(summary.evaluated).to.equal(8);
    expect(summary.failed).to.equal(0);
    const records = outcomes(o.journal.file);
    expect(records.map((r) => r.id).sort((x, y) => x - y)).to.deep.equal([...Array(8).keys()]);
    expect(records.every((r) => r.kind === 'evaluation' && r.actor === 'good')).to.equal(true);
    // Every candidate the dead actor took was rerun by the good one; after 3 failures it got no more.
    for (const id of dead.tasks) expect(good.tasks).to.include(id);
    expect(dead.tasks).to.have.length(3);
  });

  it('gives up on an evaluation past the timeout and reruns it elsewhere', async () => {
    const slow = actor('slow', (t) => (t.id === 0 ? 'hang' : 'ok'));
    const fast = actor('fast');
    const o = options([slow, fast], { maxEvals: 4, evalTimeout: 0.05 });
    const summary = await runSearchDriver(o);
    o.journal.close();
    expect(summary.evaluated).to.equal(4);
    const zero = outcomes(o.journal.file).filter((r) => r.id === 0);
    expect(zero).to.have.length(1);
    expect(zero[0]!.kind === 'evaluation' && zero[0]!.actor).to.equal('fast');
  });

  it('cancels a call it gave up on, and restarts an actor whose call ignores the cancel', async () => {
    // One actor stops when aborted; the other ignores the abort until its actor is restarted.
    const stops: EvaluationActor & { tasks: number[] } = {
      name: 'stops',
      tasks: [],
      async evaluate(task, signal) {
        this.tasks.push(task.id);
        if (task.id !== 0 || task.attempt > 0) return result(task, 'stops');
        return new Promise((_, reject) => signal!.addEventListener('abort', () => reject(signal!.reason)));
      },
    };
    let release: ((err: Error) => void) | undefined;
    let restarts = 0;
    const deaf: EvaluationActor & { tasks: number[] } = {
      name: 'deaf',
      tasks: [],
      async evaluate(task) {
        this.tasks.push(task.id);
        if (task.id !== 1 || task.attempt > 0) return result(task, 'deaf');
        return new Promise((_, reject) => (release = reject));
      },
      async restart() {
        restarts++;
        release?.(new ActorDiedError('restarted'));
      },
    };
    const o = options([stops, deaf], { maxEvals: 12, evalTimeout: 0.25, abortGraceSeconds: 0.05 });
    const summary = await runSearchDriver(o);
    o.journal.close();
    expect(summary.evaluated).to.equal(12);
    // The stopped call freed its actor at once: it took the candidates after 0 and 1.
    expect(stops.tasks.filter((id) => id > 1).length).to.be.greaterThan(0);
    // The deaf call's actor is restarted once its grace is over (the search may be done by then).
    for (let waited = 0; restarts === 0 && waited < 5000; waited += 10) await new Promise((r) => setTimeout(r, 10));
    expect(restarts).to.equal(1);
  });

  it('records a failure after the retry budget, and aborts when no actor is left', async () => {
    // Candidates 1 and 3 fail wherever they go; that is no reason to stop using the actors.
    const bad = (t: EvaluationTask): 'ok' | 'bad' => (t.id === 1 || t.id === 3 ? 'bad' : 'ok');
    const o = options([actor('a', bad), actor('b', bad)], { maxEvals: 8, maxRetries: 1 });
    const summary = await runSearchDriver(o);
    o.journal.close();
    expect(summary.failed).to.equal(2);
    expect(summary.evaluated).to.equal(6);
    const failure = outcomes(o.journal.file).find((r) => r.id === 1)!;
    expect(failure.kind).to.equal('failure');
    expect(failure.kind === 'failure' && failure.attempts).to.equal(2);

    const o2 = options([actor('x', () => 'fail')], { maxEvals: 4, maxRetries: 5 }, join(dir, 'j2.jsonl'));
    try {
      await runSearchDriver(o2);
      expect.fail('expected the search to abort');
    } catch (err) {
      expect(err).to.be.instanceOf(SearchAbortedError);
    } finally {
      o2.journal.close();
    }
  });

  it('resumes from a cut journal: in-flight candidates rerun, proposals as without the cut', async () => {
    // One actor: the order of results, hence every proposal, is fixed.
    const full = options([actor('w')], { maxEvals: 12 });
    await runSearchDriver(full);
    full.journal.close();
    const lines = readFileSync(full.journal.file, 'utf8').trim().split('\n');
    // Cut right after a proposal whose evaluation had not been written: it was in flight.
    const cutAt = lines.findIndex((l, i) => i > 8 && l.includes('"proposal"'));
    const cutFile = join(dir, 'cut.jsonl');
    writeFileSync(cutFile, lines.slice(0, cutAt + 1).join('\n') + '\n{"kind":"evalu');
    const read = readJournal(cutFile);
    const resumed = options([actor('w2')], { maxEvals: 12, replay: read.records, journal: new Journal(cutFile, read.validLength) }, cutFile);
    const summary = await runSearchDriver(resumed);
    resumed.journal.close();
    expect(summary.evaluated).to.equal(12);
    const byId = (file: string): string[] =>
      readJournal(file).records.filter((r) => r.kind === 'proposal').map((r) => `${r.id}:${r.choices.join('')}`);
    expect(byId(cutFile)).to.deep.equal(byId(full.journal.file));
    const ids = outcomes(cutFile).map((r) => r.id).sort((x, y) => x - y);
    expect(ids).to.deep.equal([...Array(12).keys()]);
  });

  it("resumes a journal written before the choice vector was named 'choices' (it was 'arch')", async () => {
    const full = options([actor('w')], { maxEvals: 10 });
    await runSearchDriver(full);
    full.journal.close();
    const lines = readFileSync(full.journal.file, 'utf8').trim().split('\n');
    const oldFile = join(dir, 'old.jsonl');
    // Cut after the sixth line, every record spelt as before.
    writeFileSync(oldFile, lines.slice(0, 6).map((l) => l.replace('"choices":', '"arch":')).join('\n') + '\n');
    expect(readFileSync(oldFile, 'utf8')).to.not.contain('"choices"');
    const read = readJournal(oldFile);
    expect(read.records.every((r) => r.kind !== 'proposal' || Array.isArray(r.choices))).to.equal(true);
    const resumed = options([actor('w2')], { maxEvals: 10, replay: read.records, journal: new Journal(oldFile, read.validLength) }, oldFile);
    const summary = await runSearchDriver(resumed);
    resumed.journal.close();
    expect(summary.evaluated).to.equal(10);
    const proposals = (file: string): string[] => readJournal(file).records.filter((r) => r.kind === 'proposal').map((r) => `${r.id}:${r.choices.join('')}`);
    expect(proposals(oldFile)).to.deep.equal(proposals(full.journal.file));
  });

  /** Distinct valid choice vectors of the space. */
  function validArchs(n: number): number[][] {
    const random = new RandomSearch(space, 5);
    const out = new Map<string, number[]>();
    while (out.size < n) {
      const { choices } = random.propose();
      out.set(choices.join(), choices);
    }
    return [...out.values()];
  }

  /** Proposes the given architectures in order, each a child of nothing. */
  function scripted(archs: number[][]): SearchStrategy {
    let next = 0;
    return { propose: () => ({ id: next, choices: archs[next++]!, parent: null }), tell: () => {} };
  }

  it('gives a repeated architecture the first result, cached, whether it comes during or after that training', async () => {
    const [a, b, c] = validArchs(3);
    // Three actors: 2 repeats 0 while 0 is still training (and waits), 4 repeats it after.
    const w = [actor('w1'), actor('w2'), actor('w3')];
    const o = options(w, { strategy: scripted([a!, b!, a!, c!, a!]), maxEvals: 5 });
    const summary = await runSearchDriver(o);
    o.journal.close();
    expect(summary.evaluated).to.equal(5);
    expect(w.flatMap((x) => x.tasks).sort()).to.deep.equal([0, 1, 3]);
    const byId = new Map(outcomes(o.journal.file).map((r) => [r.id, r]));
    for (const id of [2, 4]) {
      const r = byId.get(id)!;
      expect(r.kind === 'evaluation' && r.repeatOf).to.equal(0);
      expect(r.kind === 'evaluation' && r.score).to.equal(byId.get(0)!.kind === 'evaluation' && (byId.get(0) as { score: number }).score);
      expect(r.kind === 'evaluation' && r.trainSeconds).to.equal(0);
    }
    expect((byId.get(0) as { repeatOf?: number }).repeatOf).to.equal(undefined);
    const rows = readFileSync(join(dir, 'results.csv'), 'utf8').trim().split('\n').slice(1);
    expect(rows.filter((r) => r.endsWith(',repeat')).map((r) => Number(r.split(',')[0])).sort()).to.deep.equal([2, 4]);
  });

  it('trains a waiting repeat after all when the first evaluation of its architecture fails', async () => {
    const [a, b] = validArchs(2);
    const o = options([actor('w1', (t) => (t.id === 0 ? 'bad' : 'ok')), actor('w2', (t) => (t.id === 0 ? 'bad' : 'ok'))], {
      strategy: scripted([a!, a!, b!]),
      maxEvals: 3,
      maxRetries: 0,
    });
    const summary = await runSearchDriver(o);
    o.journal.close();
    expect(summary.failed).to.equal(1);
    const one = outcomes(o.journal.file).find((r) => r.id === 1)!;
    expect(one.kind).to.equal('evaluation');
    expect((one as { repeatOf?: number }).repeatOf).to.equal(undefined);
  });

  it('stops proposing when the walltime leaves no room, and finishes what is in flight', async () => {
    const o = options([actor('a')], { maxEvals: 10, walltime: 1e-9 });
    const summary = await runSearchDriver(o);
    o.journal.close();
    expect(summary.stoppedByWalltime).to.equal(true);
    expect(summary.evaluated).to.equal(0);
    expect(readJournal(o.journal.file).records).to.have.length(0);
  });
});
