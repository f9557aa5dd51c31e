// test/report/time-to-target.test.ts: time to the baseline's target and the median best so far
// over seeds, from hand-made runs whose figures are worked out by hand.

import { expect } from 'chai';
import { medianBestSoFar, runTimeToTarget, StatisticsError, timeToTarget } from 'graft/report';
import { handMadeRun } from './hand-made-runs.js';

// Baseline finals 0.90, 0.88, 0.93: the target is their median, 0.90.
const scratch = [
  handMadeRun('s1', [{ id: 0, score: 0.8, finishedAt: 10 }, { id: 1, score: 0.85, finishedAt: 20 }, { id: 2, score: 0.9, finishedAt: 30 }]), // 30
  handMadeRun('s2', [{ id: 0, score: 0.82, finishedAt: 5 }, { id: 1, score: 0.88, finishedAt: 15 }, { id: 2, score: 0.86, finishedAt: 25 }]), // never
  handMadeRun('s3', [{ id: 0, score: 0.7, finishedAt: 8 }, { id: 1, score: null, finishedAt: 9 }, { id: 2, score: 0.93, finishedAt: 40 }]), // 40
];
const transfer = [
  handMadeRun('t1', [{ id: 0, score: 0.91, finishedAt: 12 }]), // 12
  handMadeRun('t2', [{ id: 0, score: 0.85, finishedAt: 5 }, { id: 1, score: 0.9, finishedAt: 18 }]), // 18: reaching the target counts
  handMadeRun('t3', [{ id: 0, score: 0.8, finishedAt: 3 }]), // never
];

describe('time to target', () => {
  it('the target is the median of the baseline final bests; times are medians over seeds', () => {
    const r = timeToTarget({ transfer, scratch }, 'scratch');
    expect(r.baseline).to.equal('scratch');
    expect(r.target).to.equal(0.9);
    expect(Object.keys(r.modes)).to.deep.equal(['transfer', 'scratch']);
    expect(r.modes.scratch).to.deep.equal({ runs: 3, times: [30, Infinity, 40], reached: 2, median: 40, speedup: 1 });
    expect(r.modes.transfer).to.deep.equal({ runs: 3, times: [12, 18, Infinity], reached: 2, median: 18, speedup: 40 / 18 });
  });

  it('a mode that mostly never reaches the target has an infinite median and speedup 0', () => {
    const never = [handMadeRun('n1', [{ id: 0, score: 0.5, finishedAt: 1 }])];
    const r = timeToTarget({ scratch, never }, 'scratch');
    expect(r.modes.never).to.deep.equal({ runs: 1, times: [Infinity], reached: 0, median: Infinity, speedup: 0 });
  });

  it('runTimeToTarget: when the best so far first reaches the target', () => {
    expect(runTimeToTarget(scratch[0]!, 0.85)).to.equal(20);
    expect(runTimeToTarget(scratch[0]!, 0.95)).to.equal(Infinity);
    expect(runTimeToTarget(scratch[2]!, 0.7)).to.equal(8);
  });

  it('refuses a missing baseline, or one without any score', () => {
    const blank = [handMadeRun('b', [{ id: 0, score: null }])];
    for (const f of [() => timeToTarget({ transfer }, 'scratch'), () => timeToTarget({ transfer, blank }, 'blank')]) {
      expect(f).to.throw(StatisticsError).with.property('code', 'ERR_REPORT_STATISTICS');
    }
  });
});

describe('medianBestSoFar()', () => {
  it('the median over seeds of the best so far at each grid time, once at least half have a score', () => {
    const points = medianBestSoFar(scratch, [0, 5, 10, 15, 20, 30, 40, 50]);
    expect(points).to.deep.equal([
      { seconds: 10, value: 0.8 },
      { seconds: 15, value: 0.8 },
      { seconds: 20, value: 0.85 },
      { seconds: 30, value: 0.88 },
      { seconds: 40, value: 0.9 },
      { seconds: 50, value: 0.9 },
    ]);
  });

  it('with an even number of seeds: the mean of the middle two; one run: its own best so far', () => {
    expect(medianBestSoFar(scratch.slice(0, 2), [20])).to.deep.equal([{ seconds: 20, value: (0.85 + 0.88) / 2 }]);
    expect(medianBestSoFar([transfer[1]!], [4, 5, 17, 18])).to.deep.equal([
      { seconds: 5, value: 0.85 },
      { seconds: 17, value: 0.85 },
      { seconds: 18, value: 0.9 },
    ]);
    expect(medianBestSoFar([], [1, 2])).to.deep.equal([]);
  });
});
