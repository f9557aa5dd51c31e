// test/nas/successive-halving.test.ts: the asynchronous successive-halving rule: a candidate
// goes on only from the top 1/eta of the results its rung holds, the highest rung is served
// first, nobody is promoted twice, NaN never goes on, replayed promotions are not repeated,
// and bad rung plans are refused with a message that names the fix.

import { expect } from 'chai';
import { InvalidArgumentError } from 'graft';
import { SuccessiveHalving, checkRungPlan } from 'graft/nas';

describe('SuccessiveHalving (ASHA)', () => {
  it('promotes from the top 1/eta of a rung only once it holds eta results', () => {
    const sh = new SuccessiveHalving({ rungs: [1, 3, 9], eta: 3 });
    sh.record(0, 0, 0.5);
    sh.record(1, 0, 0.9);
    expect(sh.nextPromotion()).to.equal(null);
    sh.record(2, 0, 0.7);
    expect(sh.nextPromotion()).to.deep.equal({ id: 1, rung: 1 });
    // Top 1 of 3 is taken: nothing more until the rung holds 6.
    expect(sh.nextPromotion()).to.equal(null);
    for (const [id, score] of [[3, 0.1], [4, 0.2], [5, 0.3]] as const) sh.record(id, 0, score);
    // Top 2 of 6 are 1 and 2; 1 went on already.
    expect(sh.nextPromotion()).to.deep.equal({ id: 2, rung: 1 });
    expect(sh.nextPromotion()).to.equal(null);
  });

  it('serves the highest rung first and never promotes past the last', () => {
    const sh = new SuccessiveHalving({ rungs: [1, 3], eta: 2 });
    sh.record(0, 0, 0.4);
    sh.record(1, 0, 0.6);
    expect(sh.nextPromotion()).to.deep.equal({ id: 1, rung: 1 });
    sh.record(1, 1, 0.8);
    sh.record(2, 0, 0.5);
    sh.record(3, 0, 0.1);
    // Rung 1 is the last: only rung 0 can promote (top 2 of 4: 1 done, then 2).
    expect(sh.nextPromotion()).to.deep.equal({ id: 2, rung: 1 });
    expect(sh.counts()).to.deep.equal([4, 1]);
  });

  it('ranks ties by the earlier candidate and never promotes a NaN', () => {
    const sh = new SuccessiveHalving({ rungs: [1, 2], eta: 2 });
    sh.record(5, 0, Number.NaN);
    sh.record(4, 0, Number.NaN);
    expect(sh.nextPromotion()).to.equal(null);
    sh.record(7, 0, 0.3);
    sh.record(6, 0, 0.3);
    expect(sh.nextPromotion()).to.deep.equal({ id: 6, rung: 1 });
  });

  it('does not repeat a promotion replayed from the journal', () => {
    const sh = new SuccessiveHalving({ rungs: [1, 3], eta: 2 });
    sh.record(0, 0, 0.9);
    sh.record(1, 0, 0.1);
    sh.markPromoted(0, 1);
    expect(sh.nextPromotion()).to.equal(null);
  });

  it('refuses rungs that do not increase, eta below 2 and a budget under the first rung', () => {
    expect(() => checkRungPlan({ rungs: [1, 3, 3], eta: 3 })).to.throw(InvalidArgumentError, 'must increase');
    expect(() => checkRungPlan({ rungs: [0, 3], eta: 3 })).to.throw(InvalidArgumentError, 'positive whole numbers');
    expect(() => checkRungPlan({ rungs: [1, 3], eta: 1 })).to.throw(InvalidArgumentError, 'at least 2');
    expect(() => checkRungPlan({ rungs: [2, 4], eta: 2 }, 1)).to.throw(InvalidArgumentError, 'smaller than the first rung');
    expect(() => checkRungPlan({ rungs: [1, 3, 9], eta: 3 }, 9)).to.not.throw();
  });
});
