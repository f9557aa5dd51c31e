// test/nas/initial-population.test.ts: aging evolution's initial population is the first P
// proposals, drawn up front from the seed: two searches with the same seed whose results come
// back in different orders (or from a different number of actors) evaluate the same P random
// candidates; every later candidate is a child of an evaluated one.

import { expect } from 'chai';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AgingEvolution,
  Journal,
  ResultsCsv,
  builtinSpaces,
  readJournal,
  runSearchDriver,
  toArchitecture,
  type EvaluationTask,
  type EvaluationActor,
  type ProposalRecord,
} from 'graft/nas';
import { scored } from '../helpers/outcomes.js';

const space = builtinSpaces['synthetic']!;
const shape = { inputShape: [16], output: { units: 4, task: 'classification' as const } };
const kPopulation = 5;

/** An actor that answers after `turns(task)` turns of the event loop, scoring by the vector. */
function actor(name: string, turns: (task: EvaluationTask) => number): EvaluationActor {
  return {
    name,
    async evaluate(task) {
      for (let i = 0; i < turns(task); i++) await new Promise((r) => setImmediate(r));
      return {
        score: task.choices.reduce((a, b, k) => a + b * (k + 1), 0) / 50,
        valLoss: 1, epochs: 1, trainSeconds: 0, totalSeconds: 0, curve: [0],
        transfer: { donorId: null, layersMatched: 0, layersTransferred: 0, layersSkipped: 0, bytesFetched: 0, fetchSeconds: 0, source: 'none' },
        rank: 0, actor: name, backend: 'none',
      };
    },
  };
}

/** Runs a search with `actors` and returns its proposals (journal order) and its order of results. */
async function search(actors: EvaluationActor[]): Promise<{ proposals: ProposalRecord[]; finished: number[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'graft-initial-'));
  const journal = new Journal(join(dir, 'journal.jsonl'));
  await runSearchDriver({
    strategy: new AgingEvolution(space, { population: kPopulation, sample: 2, beta: 0, seed: 11 }),
    toArchitecture: (choices) => toArchitecture(space, choices, shape),
    actors,
    journal,
    csv: new ResultsCsv(join(dir, 'results.csv')),
    maxEvals: 14,
    maxRetries: 0,
    evalTimeout: null,
    walltime: null,
  });
  journal.close();
  const records = readJournal(journal.file).records;
  return {
    proposals: records.filter((r): r is ProposalRecord => r.kind === 'proposal'),
    finished: records.flatMap((r) => (r.kind === 'evaluation' ? [r.id] : [])),
  };
}

describe('aging evolution: the initial population', () => {
  it('is the same P candidates whatever order results come back in, and only those are random', async () => {
    // Early candidates finish first in one search, last in the other.
    const a = await search([0, 1, 2].map((k) => actor(`a${k}`, (t) => 1 + t.id)));
    const b = await search([0, 1, 2].map((k) => actor(`b${k}`, (t) => 1 + ((40 - 3 * t.id) % 17))));
    const c = await search([actor('c0', () => 1)]);
    expect(a.finished.slice(0, 3)).to.not.deep.equal(b.finished.slice(0, 3));
    const initial = (s: { proposals: ProposalRecord[] }) => s.proposals.slice(0, kPopulation).map((p) => ({ id: p.id, choices: p.choices, parent: p.parent }));
    expect(initial(a).every((p) => p.parent === null)).to.equal(true);
    expect(initial(b)).to.deep.equal(initial(a));
    expect(initial(c)).to.deep.equal(initial(a));
    for (const s of [a, b, c]) {
      const later = s.proposals.slice(kPopulation);
      expect(later).to.have.length(14 - kPopulation);
      // Children only: each mutates a candidate whose result was in when it was proposed.
      for (const p of later) expect(p.parent).to.be.a('number').and.to.be.below(p.id);
    }
  });

  it('draws the initial population independently of the tells in between', () => {
    const opts = { population: kPopulation, sample: 2, beta: 0, seed: 4 };
    const upFront = new AgingEvolution(space, opts);
    const first = Array.from({ length: kPopulation }, () => upFront.propose().choices);
    const interleaved = new AgingEvolution(space, opts);
    const seen: number[][] = [];
    for (let i = 0; i < kPopulation; i++) {
      const p = interleaved.propose();
      seen.push(p.choices);
      interleaved.tell(scored(p, i));
    }
    expect(seen).to.deep.equal(first);
  });
});
