// --max-params: a candidate larger than the budget is recorded as a failure of its own kind,
// ERR_CANDIDATE_TOO_LARGE, before any training, and the search goes on with the rest.

import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultMaxParams, readJournal } from 'graft/nas';

const main = fileURLToPath(new URL('../../../dist/main.js', import.meta.url));

describe('graft search --max-params', function () {
  this.timeout(120_000);

  it('records candidates over the budget as too large, untrained, and trains the others', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'graft-max-params-')), 'run');
    const r = spawnSync(
      process.execPath,
      [main, 'search', '--space', 'synthetic', '--data', 'synthetic', '--train-size', '120', '--val-size', '60', '--max-evals', '12', '--population', '4',
        '--actors-per-rank', '2', '--max-params', '400', '--no-progress', '--out', out],
      { encoding: 'utf8', timeout: 100_000 },
    );
    expect(r.status, r.stderr).to.equal(0);
    const records = readJournal(join(out, 'journal.jsonl')).records;
    const large = records.filter((x) => x.kind === 'failure');
    expect(large.length).to.be.greaterThan(0);
    for (const f of large) {
      expect(f.kind === 'failure' && f.error.code).to.equal('ERR_CANDIDATE_TOO_LARGE');
      expect(f.kind === 'failure' && f.attempts).to.equal(1);
    }
    const trained = records.filter((x) => x.kind === 'evaluation' && x.repeatOf === undefined);
    expect(trained.length).to.be.greaterThan(0);
    for (const e of trained) expect(e.kind === 'evaluation' && e.transfer.paramsTotal).to.be.at.most(400);
  });

  it('defaults to one parameter per KiB of memory', () => {
    expect(defaultMaxParams(24 * 2 ** 30)).to.equal(25_165_824);
  });
});
