// test/nas/evolution.test.ts: aging evolution and random search: seeded determinism, the
// random initial population, single-variable mutations of the sample's best, beta weighting.

import { expect } from 'chai';
import { AgingEvolution, RandomSearch, builtinSpaces, variablesOf, type SearchStrategy } from 'graft/nas';
import { scored } from '../helpers/outcomes.js';

const space = builtinSpaces['mnist-mlp']!;

/** Runs a strategy for n proposals, telling each a score that is a fixed function of its vector. */
function drive(s: SearchStrategy, n: number): Array<{ choices: number[]; parent: number | null }> {
  const out: Array<{ choices: number[]; parent: number | null }> = [];
  for (let i = 0; i < n; i++) {
    const p = s.propose();
    expect(p.id).to.equal(i);
    out.push({ choices: p.choices, parent: p.parent });
    s.tell(scored(p, p.choices.reduce((a, b, k) => a + b * (k + 1), 0) / 100));
  }
  return out;
}

describe('search strategies', () => {
  it('propose the same candidates for the same seed and order of results', () => {
    const opts = { population: 5, sample: 2, beta: 0, seed: 42 };
    expect(drive(new AgingEvolution(space, opts), 40)).to.deep.equal(drive(new AgingEvolution(space, opts), 40));
    expect(drive(new AgingEvolution(space, opts), 40)).to.not.deep.equal(drive(new AgingEvolution(space, { ...opts, seed: 43 }), 40));
    expect(drive(new RandomSearch(space, 3), 10)).to.deep.equal(drive(new RandomSearch(space, 3), 10));
  });

  it('opens the initial population with warm-start architectures, at most half of it, the rest as without them', () => {
    const warm = [[1, 1, 1, 0, 0, 0, 0, 0], [2, 0, 2, 1, 1, 1, 1, 1], [3, 1, 3, 0, 0, 0, 0, 0], [4, 0, 4, 0, 0, 0, 0, 0]];
    const plain = drive(new AgingEvolution(space, { population: 6, sample: 2, beta: 0, seed: 7 }), 6);
    const started = drive(new AgingEvolution(space, { population: 6, sample: 2, beta: 0, seed: 7, warmStart: warm }), 6);
    expect(started.slice(0, 3).map((p) => p.choices)).to.deep.equal(warm.slice(0, 3));
    expect(started.slice(3)).to.deep.equal(plain.slice(3));
    expect(started.every((p) => p.parent === null)).to.equal(true);
  });

  it('starts from a random population, then mutates exactly one variable of a parent', () => {
    const ev = new AgingEvolution(space, { population: 6, sample: 3, beta: 0, seed: 1 });
    const seen = drive(ev, 30);
    expect(seen.slice(0, 6).every((c) => c.parent === null)).to.equal(true);
    for (const c of seen.slice(6)) {
      expect(c.parent).to.be.a('number');
      const parent = seen[c.parent!]!;
      const diff = c.choices.filter((v, k) => v !== parent.choices[k]).length;
      expect(diff).to.equal(1);
    }
  });

  it('only picks parents from the last P results (the oldest age out)', () => {
    const P = 4;
    const ev = new AgingEvolution(space, { population: P, sample: 4, beta: 0, seed: 9 });
    for (let i = 0; i < 30; i++) {
      const p = ev.propose();
      if (p.parent !== null) expect(p.parent).to.be.at.least(i - P);
      ev.tell(scored(p, i)); // newer is better here, so the parent is always the newest
    }
  });

  it('mutates later variables more often with a larger beta', () => {
    const n = variablesOf(space).length;
    const lateShare = (beta: number): number => {
      const ev = new AgingEvolution(space, { population: 2, sample: 1, beta, seed: 5 });
      let late = 0;
      let total = 0;
      const archs = new Map<number, number[]>();
      for (let i = 0; i < 400; i++) {
        const p = ev.propose();
        archs.set(p.id, p.choices);
        if (p.parent !== null) {
          const k = p.choices.findIndex((v, j) => v !== archs.get(p.parent!)![j]);
          total++;
          if (k >= n / 2) late++;
        }
        ev.tell(scored(p, 0));
      }
      return late / total;
    };
    expect(lateShare(3)).to.be.greaterThan(lateShare(0) + 0.15);
  });
});
