// test/cli/search-steps.test.ts: `graft search --steps N`: a training budget in optimizer steps
// instead of epochs, exclusive with an explicit --epochs (flag or config file), carried to the
// training actors and recorded per candidate in the journal and results.csv.

import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidArgumentError } from 'graft';
import { kSearchDefaults, resolveSearchConfig } from 'graft/cli';
import { readJournal, type EvaluationRecord } from 'graft/nas';

const main = fileURLToPath(new URL('../../../dist/main.js', import.meta.url));

describe('graft search --steps', function () {
  this.timeout(180_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'graft-steps-'));
  });

  it('reads --steps as the budget and keeps no step budget by default', () => {
    expect(kSearchDefaults.steps).to.equal(null);
    expect(resolveSearchConfig(['--steps', '40']).options).to.deep.equal({ ...kSearchDefaults, steps: 40 });
    const file = join(dir, 'c.json');
    writeFileSync(file, JSON.stringify({ steps: 12 }));
    expect(resolveSearchConfig(['--config', file]).options.steps).to.equal(12);
  });

  it('refuses --steps beside an explicit --epochs, from flags or a config file', () => {
    expect(() => resolveSearchConfig(['--epochs', '2', '--steps', '40'])).to.throw(InvalidArgumentError);
    const file = join(dir, 'c.json');
    writeFileSync(file, JSON.stringify({ epochs: 3 }));
    expect(() => resolveSearchConfig(['--config', file, '--steps', '40'])).to.throw(InvalidArgumentError);
    const r = spawnSync(process.execPath, [main, 'search', '--epochs', '1', '--steps', '5', '--out', join(dir, 'run')], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).to.not.equal(0);
    expect(r.stderr).to.match(/--epochs.*--steps/);
  });

  it('trains each candidate for that many steps and records them', () => {
    const out = join(dir, 'run');
    const r = spawnSync(process.execPath, [
      main, 'search', '--space', 'synthetic', '--data', 'synthetic', '--train-size', '120', '--val-size', '40', '--batch-size', '32',
      '--steps', '5', '--max-evals', '3', '--population', '2', '--sample', '1', '--actors-per-rank', '1', '--transfer', 'none', '--no-progress', '--out', out,
    ], { encoding: 'utf8', timeout: 150_000 });
    expect(r.status, r.stderr).to.equal(0);
    const evals = readJournal(join(out, 'journal.jsonl')).records.filter((x): x is EvaluationRecord => x.kind === 'evaluation');
    expect(evals).to.have.length(3);
    for (const e of evals) {
      expect(e.steps).to.equal(5);
      // 120 samples in batches of 32 make 4 steps an epoch: 5 steps are one epoch and 32 samples.
      expect(e.epochs).to.be.closeTo(1 + 32 / 120, 1e-9);
      expect(e.curve).to.have.length(2);
    }
    const [header, ...rows] = readFileSync(join(out, 'results.csv'), 'utf8').trim().split('\n');
    const column = header!.split(',').indexOf('steps');
    expect(column).to.be.above(0);
    // arch_seq is quoted and holds commas of its own.
    for (const row of rows) expect(row.replace(/"[^"]*"/g, 'arch').split(',')[column]).to.equal('5');
  });
});
