// test/cli/search-flags.test.ts: `graft search` and `graft topk` refuse bad flags, bad config
// files, bad search-space files and a run directory that already holds a search, with a clear
// message and a non-zero exit, before any work starts (nothing is written).

import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../../../dist/main.js', import.meta.url));
const badSpace = fileURLToPath(new URL('../../../test/fixtures/nas/bad-space.json', import.meta.url));

function graft(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('graft search / topk (flags)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'graft-flags-'));
  });

  it('prints help for each command and exits 0', () => {
    const s = graft('search', '--help');
    expect(s.status).to.equal(0);
    for (const flag of ['--space', '--data', '--max-evals', '--population', '--sample', '--epochs', '--train-size', '--val-size', '--actors-per-rank', '--transfer', '--transfer-mode', '--seed', '--out', '--resume', '--walltime', '--config']) {
      expect(s.stdout).to.contain(flag);
    }
    const t = graft('topk', '--help');
    expect(t.status).to.equal(0);
    expect(t.stdout).to.contain('--k');
  });

  it('names a misspelt flag and suggests the right one', () => {
    const r = graft('search', '--max-eval', '3', '--out', join(dir, 'run'));
    expect(r.status).to.equal(1);
    expect(r.stderr).to.contain('--max-eval');
    expect(r.stderr).to.contain('did you mean --max-evals');
    expect(existsSync(join(dir, 'run'))).to.equal(false);
  });

  it('refuses bad values naming the option', () => {
    for (const args of [['--data', 'foo'], ['--data', join(dir, 'none.csv')], ['--max-evals', 'zero'], ['--transfer', 'all'], ['--walltime', 'soon'], ['--sample', '9', '--population', '4'], ['--epochs']]) {
      const r = graft('search', ...args, '--out', join(dir, 'run'));
      expect(r.status, args.join(' ')).to.equal(1);
      expect(r.stderr).to.contain('ERR_INVALID_ARGUMENT');
      expect(existsSync(join(dir, 'run'))).to.equal(false);
    }
  });

  it('refuses a config file with a misspelt key, suggesting the right one', () => {
    const config = join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({ populaton: 4 }));
    const r = graft('search', '--config', config, '--out', join(dir, 'run'));
    expect(r.status).to.equal(1);
    expect(r.stderr).to.contain("did you mean 'population'");
  });

  it('refuses a bad search-space file, naming the bad field', () => {
    const r = graft('search', '--space', badSpace, '--out', join(dir, 'run'));
    expect(r.status).to.equal(1);
    expect(r.stderr).to.contain('$.nodes[1].ops[1].units');
    expect(r.stderr).to.contain('ERR_SEARCH_SPACE');
    expect(existsSync(join(dir, 'run'))).to.equal(false);
  });

  it('will not overwrite a search, and will not resume where there is none', () => {
    const run = join(dir, 'run');
    const again = graft('search', '--resume', run);
    expect(again.status).to.equal(1);
    expect(again.stderr).to.contain('--resume');
    // A directory holding a journal is left as it was.
    spawnSync('mkdir', ['-p', run]);
    writeFileSync(join(run, 'journal.jsonl'), '{"kind":"proposal","id":0,"arch":[0],"parent":null,"at":0}\n');
    const r = graft('search', '--out', run);
    expect(r.status).to.equal(1);
    expect(r.stderr).to.contain('--resume');
    expect(readFileSync(join(run, 'journal.jsonl'), 'utf8')).to.contain('"id":0');
  });

  it('topk needs a run directory', () => {
    expect(graft('topk').status).to.equal(1);
    const r = graft('topk', dir);
    expect(r.status).to.equal(1);
    expect(r.stderr).to.contain('journal.jsonl');
  });
});
