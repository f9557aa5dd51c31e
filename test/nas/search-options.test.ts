// test/nas/search-options.test.ts: a program's way to the options of a search, without the
// command line: defaults filled in, cross-field mistakes refused with the option named.

import { expect } from 'chai';
import { InvalidArgumentError } from 'graft';
import { kSearchDefaults, resolveSearchOptions } from 'graft/nas';

describe('resolveSearchOptions', () => {
  it('fills every option the caller leaves out from the defaults', () => {
    expect(resolveSearchOptions({ maxEvals: 5, steps: 40 })).to.deep.equal({ ...kSearchDefaults, maxEvals: 5, steps: 40 });
  });

  it('refuses two budgets and a sample larger than the population, naming the option', () => {
    for (const [given, option] of [
      [{ epochs: 2, steps: 10 }, 'steps'],
      [{ population: 4, sample: 5 }, 'sample'],
      [{ donorsFrom: '/nonexistent/run' }, 'donorsFrom'],
    ] as const) {
      try {
        resolveSearchOptions(given);
        expect.fail(`expected ${JSON.stringify(given)} to be refused`);
      } catch (err) {
        expect(err).to.be.instanceOf(InvalidArgumentError);
        expect((err as InvalidArgumentError).details).to.include({ option });
      }
    }
  });
});
