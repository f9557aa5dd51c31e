// init(): option validation at the door, the default runtime of the main thread.

import { expect } from 'chai';
import { InvalidArgumentError } from 'graft';
import { LocalTransport } from 'graft/transport';
import { init, type InitOptions } from 'graft/runtime';

async function rejection(options: InitOptions): Promise<InvalidArgumentError> {
  try {
    await init(options);
  } catch (err) {
    return err as InvalidArgumentError;
  }
  throw new Error('expected a rejection');
}

describe('runtime: init()', () => {
  it('rejects bad options with InvalidArgumentError naming the option', async () => {
    const cases: Array<[InitOptions, string]> = [
      [{ objectStoreMB: -1 }, 'objectStoreMB'],
      [{ cpus: 1.5 }, 'cpus'],
      [{ gpus: [''] }, 'gpus'],
      [{ taskThreads: 0 }, 'taskThreads'],
      [{ placement: 'spread' as never }, 'placement'],
      [{ driverRank: -1 }, 'driverRank'],
    ];
    for (const [options, option] of cases) {
      const err = await rejection(options);
      expect(err).to.be.instanceOf(InvalidArgumentError);
      expect(err.details.option).to.equal(option);
    }
  });

  it('names the right spelling of a misspelt key', async () => {
    const err = await rejection({ objectStoreMb: 4 } as never);
    expect(err.details).to.include({ option: 'objectStoreMb', suggestion: 'objectStoreMB' });
  });

  it('refuses a driver rank outside the job', async () => {
    const err = await rejection({ transport: new LocalTransport(), driverRank: 1 });
    expect(err).to.be.instanceOf(InvalidArgumentError);
    expect(err.details.option).to.equal('driverRank');
  });

  it('returns the same default runtime to every init() of the main thread until shutdown', async () => {
    const first = await init();
    try {
      expect(await init()).to.equal(first);
      expect(first.isDriver).to.equal(true);
      expect([first.rank, first.size]).to.deep.equal([0, 1]);
    } finally {
      await first.shutdown();
    }
    const next = await init();
    expect(next).to.not.equal(first);
    await next.shutdown();
  });
});
