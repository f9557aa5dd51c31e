// test/cluster/walltime.test.ts: the time limit: HH:MM:SS to seconds, the reserve kept back
// for a clean stop, and the forms each scheduler writes.

import { expect } from 'chai';
import { InvalidWalltimeError, formatWalltime, lsfWalltime, parseWalltime, walltimeReserve } from 'graft/cluster';

describe('parseWalltime()', () => {
  it('reads HH:MM:SS, hours past 24 included', () => {
    expect(parseWalltime('01:30:00')).to.equal(5400);
    expect(parseWalltime('48:00:05')).to.equal(172805);
    expect(parseWalltime('0:02:00')).to.equal(120);
  });

  for (const text of ['25:61:00', '01:00:60', '90', '1:30', '01:30:00:00', 'one hour', '-1:00:00', '', '00:01:59']) {
    it(`refuses '${text}' with ERR_INVALID_WALLTIME`, () => {
      let caught: unknown;
      try {
        parseWalltime(text);
      } catch (err) {
        caught = err;
      }
      expect(caught).to.be.instanceOf(InvalidWalltimeError);
      expect((caught as InvalidWalltimeError).code).to.equal('ERR_INVALID_WALLTIME');
    });
  }
});

describe('walltimeReserve()', () => {
  it('keeps back 5% of the limit, at least a minute and at most ten', () => {
    expect(walltimeReserve(120)).to.equal(60);
    expect(walltimeReserve(5400)).to.equal(270);
    expect(walltimeReserve(86400)).to.equal(600);
  });
});

describe('formatWalltime() and lsfWalltime()', () => {
  it('writes HH:MM:SS for Slurm and PBS', () => {
    expect(formatWalltime(5400)).to.equal('01:30:00');
    expect(formatWalltime(172805)).to.equal('48:00:05');
  });

  it('rounds down to whole minutes for LSF, never asking for more than was given', () => {
    expect(lsfWalltime(5430)).to.deep.equal({ text: '01:30', seconds: 5400 });
    expect(lsfWalltime(172800)).to.deep.equal({ text: '48:00', seconds: 172800 });
  });
});
