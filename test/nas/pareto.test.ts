// test/nas/pareto.test.ts: Pareto dominance, non-dominated ranks and crowding distances agree
// with their definitions on random points (checked by brute force), on a front worked by hand,
// and with NaN as the worst value; objective names are checked with a suggestion.

import { expect } from 'chai';
import { InvalidArgumentError } from 'graft';
import { crowdingDistances, dominates, nondominatedRanks, orientedObjectives, paretoFront, paretoOrder, parseObjectives } from 'graft/nas';
import { seededRandom } from 'graft/util';

describe('Pareto ranks and crowding', () => {
  it('ranks a front worked by hand', () => {
    // (score, -params): a and b trade off; c is dominated by a; d by c; e ties a (not dominated).
    const points = [[0.9, -100], [0.8, -50], [0.85, -120], [0.7, -130], [0.9, -100]];
    expect(dominates(points[0]!, points[2]!)).to.equal(true);
    expect(dominates(points[0]!, points[4]!)).to.equal(false);
    expect(nondominatedRanks(points)).to.deep.equal([0, 0, 1, 2, 0]);
    expect(paretoFront(points)).to.deep.equal([0, 1, 4]);
  });

  it('agrees with the definition on random points: no point of a rank dominates another of it, each is dominated by one of the rank before', () => {
    const random = seededRandom(5);
    for (let trial = 0; trial < 20; trial++) {
      const points = Array.from({ length: 40 }, () => [Math.round(random() * 10), Math.round(random() * 10), Math.round(random() * 10)]);
      const ranks = nondominatedRanks(points);
      for (let i = 0; i < points.length; i++) {
        for (let j = 0; j < points.length; j++) {
          if (ranks[i] === ranks[j]) expect(dominates(points[i]!, points[j]!)).to.equal(false);
        }
        if (ranks[i]! > 0) {
          expect(points.some((p, j) => ranks[j] === ranks[i]! - 1 && dominates(p, points[i]!))).to.equal(true);
        }
      }
      const front = points.filter((p) => !points.some((q) => dominates(q, p)));
      expect(paretoFront(points).map((i) => points[i])).to.deep.equal(front);
    }
  });

  it('counts NaN as worse than any value', () => {
    expect(dominates([0.1, -5], [Number.NaN, -5])).to.equal(true);
    expect(nondominatedRanks([[Number.NaN, -1], [0.5, -1]])).to.deep.equal([1, 0]);
  });

  it('gives the extremes infinite crowding and the rest the normalised gap of their neighbours', () => {
    const points = [[0, 4], [1, 3], [3, 1], [4, 0]];
    const d = crowdingDistances(points, [0, 1, 2, 3]);
    expect(d.get(0)).to.equal(Infinity);
    expect(d.get(3)).to.equal(Infinity);
    // Point 1: neighbours 0 and 2 differ by 3 of a range of 4 on both objectives.
    expect(d.get(1)).to.be.closeTo(1.5, 1e-12);
    expect(d.get(2)).to.be.closeTo(1.5, 1e-12);
    expect(paretoOrder(points).map((o) => o.rank)).to.deep.equal([0, 0, 0, 0]);
  });
});

describe('objectives', () => {
  it('parses names, orients them (larger is better) and refuses unknown or repeated ones', () => {
    expect(parseObjectives('score,params')).to.deep.equal(['score', 'params']);
    expect(orientedObjectives({ score: 0.9, params: 1000 }, ['score', 'params'])).to.deep.equal([0.9, -1000]);
    expect(orientedObjectives({ score: 0.9 }, ['score', 'flops'])[1]).to.be.NaN;
    const misspelt = (() => { try { parseObjectives('score,parms'); } catch (e) { return e; } return null; })();
    expect(misspelt).to.be.instanceOf(InvalidArgumentError);
    expect((misspelt as Error).message).to.contain("did you mean 'params'");
    expect(() => parseObjectives(['score', 'score'])).to.throw(InvalidArgumentError, 'twice');
  });
});
