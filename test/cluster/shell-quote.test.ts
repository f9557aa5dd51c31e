// test/cluster/shell-quote.test.ts: words quoted by shellQuote() reach a real bash exactly as
// given, whatever they hold, so search flags cannot be split, expanded or run as commands.

import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { shellJoin, shellQuote } from 'graft/cluster';

const words = [
  'plain',
  '--out=/lus/run-1',
  'two words',
  "it's",
  '$HOME',
  '`touch /tmp/graft-should-not-exist`',
  '$(id)',
  'a;b|c&d',
  'tab\there',
  'new\nline',
  '*',
  '',
  '"double"',
  '\\back\\slash',
  '!bang',
];

describe('shellQuote()', () => {
  it('round-trips every word through bash unchanged', () => {
    const r = spawnSync('bash', ['-c', `for w in ${shellJoin(words)}; do printf '%s\\0' "$w"; done`], { encoding: 'utf8' });
    expect(r.status).to.equal(0);
    expect(r.stdout.split('\0').slice(0, -1)).to.deep.equal(words);
  });

  it('leaves plain words bare and quotes the rest', () => {
    expect(shellQuote('--max-evals')).to.equal('--max-evals');
    expect(shellQuote('a b')).to.equal("'a b'");
    expect(shellQuote('')).to.equal("''");
  });
});
