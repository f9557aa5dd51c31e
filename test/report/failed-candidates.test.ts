// test/report/failed-candidates.test.ts: a run whose journal holds a `failure` record (a
// candidate that failed on every try): the summary counts it as failed and lists it, the wall
// time reaches its end, and the report page shows it with its last error.

import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readRun, summarizeRun, writeReport } from 'graft/report';
import { copyFixtureRuns, type FixtureRuns } from './fixture-runs.js';

describe('report: failed candidates', () => {
  let runs: FixtureRuns;
  beforeEach(() => {
    runs = copyFixtureRuns();
  });
  afterEach(() => runs.remove());

  it('counts a failure record as a failed candidate in the summary', async () => {
    const s = summarizeRun(await readRun(join(runs.root, 'failed')));
    expect(s.evaluations).to.equal(4);
    expect(s.failed).to.equal(1);
    expect(s.failures).to.deep.equal([
      { id: 2, choices: [1, 2, 1], attempts: 3, error: { name: 'ActorDiedError', code: 'ERR_ACTOR_DIED', message: 'actor r0a0 exited with code 1' } },
    ]);
    expect(s.score!.n).to.equal(3);
    // The failure finished last: the run's wall time reaches it.
    expect(s.wallSeconds).to.equal(5.9);
    expect(summarizeRun(await readRun(runs.transfer)).failures).to.deep.equal([]);
  });

  it('shows the failed candidate and its error on the report page', async () => {
    const files = await writeReport(join(runs.root, 'failed'));
    expect(files.summary.failed).to.equal(1);
    const html = readFileSync(files.html, 'utf8');
    expect(html).to.match(/<th scope="row">failed candidates<\/th><td>1 \(failed on every try: #2\)<\/td>/);
    expect(html).to.match(/<h2>Failed candidates: failed<\/h2><table class="failures">.*<td>#2<\/td><td>\[1, 2, 1\]<\/td><td>3<\/td><td><code>ERR_ACTOR_DIED<\/code><\/td>/);
    const clean = readFileSync((await writeReport(runs.transfer)).html, 'utf8');
    expect(clean).to.not.contain('Failed candidates');
  });
});
