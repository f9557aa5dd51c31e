// SIGUSR1 (a scheduler's warning before the time limit, or a preemption): the search stops
// proposing, records every candidate in flight, exits 0, and `--resume` finishes it.

import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readJournal } from 'graft/nas';

const main = fileURLToPath(new URL('../../../dist/main.js', import.meta.url));
const args = ['--space', 'synthetic', '--data', 'synthetic', '--train-size', '120', '--val-size', '60', '--max-evals', '200', '--population', '4', '--actors-per-rank', '2', '--no-progress'];

describe('graft search and SIGUSR1', function () {
  this.timeout(240_000);

  it('stops proposing, records what was in flight, and resumes to the end', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'graft-usr1-')), 'run');
    const child = spawn(process.execPath, [main, 'search', ...args, '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    const outcomes = () => (existsSync(join(out, 'journal.jsonl')) ? readJournal(join(out, 'journal.jsonl')).records.filter((r) => r.kind === 'evaluation').length : 0);
    // Signal once the search is under way (a few results in), whenever that is.
    while (outcomes() < 3) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGUSR1');
    const code = await new Promise<number | null>((done) => child.on('exit', done));
    expect(code).to.equal(0);
    expect(stdout).to.contain('stopped by SIGUSR1');
    const records = readJournal(join(out, 'journal.jsonl')).records;
    const proposed = records.filter((r) => r.kind === 'proposal').map((r) => r.id);
    const done = new Set(records.filter((r) => r.kind === 'evaluation' || r.kind === 'failure').map((r) => (r as { id: number }).id));
    expect(proposed.length).to.be.lessThan(200);
    for (const id of proposed) expect(done.has(id), `candidate ${id} in flight was recorded`).to.equal(true);

    const resumed = spawnSync(process.execPath, [main, 'search', ...args, '--resume', out], { encoding: 'utf8', timeout: 200_000 });
    expect(resumed.status, resumed.stderr).to.equal(0);
    const all = readJournal(join(out, 'journal.jsonl')).records.filter((r) => r.kind === 'evaluation' || r.kind === 'failure');
    expect(new Set(all.map((r) => (r as { id: number }).id)).size).to.equal(200);
  });
});
