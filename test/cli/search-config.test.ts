// test/cli/search-config.test.ts: how `graft search` builds its one options object: defaults,
// then a config file, then flags; durations; "did you mean"; what --resume may change.

import { expect } from 'chai';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError } from 'graft';
import { didYouMean, kSearchDefaults, parseDuration, resolveSearchConfig, resolveTopKConfig } from 'graft/cli';

describe('search options', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'graft-config-'));
  });

  it('layers defaults, a config file and flags, later winning', () => {
    const file = join(dir, 'c.json');
    writeFileSync(file, JSON.stringify({ population: 6, sample: 2, walltime: '1h', transfer: 'none' }));
    const { options, resume } = resolveSearchConfig(['--config', file, '--sample=3', '--max-evals', '7', '--no-progress']);
    expect(resume).to.equal(null);
    expect(options).to.deep.equal({ ...kSearchDefaults, population: 6, sample: 3, walltime: 3600, transfer: 'none', maxEvals: 7, progress: false });
  });

  it('reads durations as seconds', () => {
    expect(parseDuration('90')).to.equal(90);
    expect(parseDuration('45m')).to.equal(2700);
    expect(parseDuration('2h')).to.equal(7200);
    expect(parseDuration('01:30:05')).to.equal(5405);
    expect(parseDuration('soon')).to.be.NaN;
    // The same clock rule as graft submit --time: minutes and seconds 00 to 59.
    expect(parseDuration('01:99:00')).to.be.NaN;
    expect(parseDuration('100:00:59')).to.equal(360059);
  });

  it('suggests the closest name, and nothing for a far one', () => {
    expect(didYouMean('--populaton', ['--population', '--sample'])).to.equal('--population');
    expect(didYouMean('--zzz', ['--population', '--sample'])).to.equal(undefined);
  });

  it('lets --resume change only what cannot alter the proposals', () => {
    const run = join(dir, 'run');
    mkdirSync(run);
    writeFileSync(join(run, 'config.json'), JSON.stringify({ ...kSearchDefaults, seed: 5, walltime: null, out: run }));
    const { options, resume } = resolveSearchConfig(['--resume', run, '--max-evals', '50', '--walltime', '2h']);
    expect(resume).to.equal(run);
    expect(options.seed).to.equal(5);
    expect(options.maxEvals).to.equal(50);
    expect(options.walltime).to.equal(7200);
    expect(() => resolveSearchConfig(['--resume', run, '--seed', '6'])).to.throw(InvalidArgumentError);
  });

  it('reads topk options with one run directory', () => {
    expect(resolveTopKConfig(['runs/x', '--k', '3'])).to.include({ dir: 'runs/x', k: 3, patience: 3 });
    expect(() => resolveTopKConfig(['--k', '3'])).to.throw(InvalidArgumentError);
  });
});
