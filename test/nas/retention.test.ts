// test/nas/retention.test.ts: what a search keeps in its stores: the population and the best
// candidates, handed over every P results; a store drops a model only once it was left out
// twice in a row; and a real search does drop what it no longer needs.

import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RetentionPolicy } from 'graft/nas';
import { makeLayer, storeCluster } from '../store/cluster.js';

const main = fileURLToPath(new URL('../../../dist/main.js', import.meta.url));

describe('RetentionPolicy', () => {
  it('keeps the last P results and the K best, handing the set over every P results', () => {
    const applied: string[][] = [];
    const policy = new RetentionPolicy({ population: 3, best: 2 }, (keep) => applied.push(keep.sort()));
    const scores = [0.9, 0.1, 0.2, 0.3, Number.NaN, 0.4, 0.5];
    scores.forEach((score, id) => policy.add(id, score, id < 2));
    // Replayed results count in the set but do not hand it over: the first three live results
    // (2, 3, 4) do, with the last three and the two best (0 and 3; 4 failed).
    expect(applied).to.deep.equal([['0', '2', '3', '4']]);
    expect(policy.keep().sort()).to.deep.equal(['0', '4', '5', '6'].sort());
  });
});

describe('LayerStore#retain() with graceCalls', () => {
  it('drops a model only when two calls in a row leave it out', async () => {
    const c = storeCluster(1);
    try {
      for (const id of ['a', 'b']) await c.stores[0]!.put({ modelId: id, score: 1, layers: [makeLayer(`${id}-layer`, 16)] });
      expect((await c.stores[0]!.retain(['a'], { graceCalls: 2 })).dropped).to.deep.equal([]);
      // Back in the set: its count starts over.
      expect((await c.stores[0]!.retain(['a', 'b'], { graceCalls: 2 })).dropped).to.deep.equal([]);
      expect((await c.stores[0]!.retain(['a'], { graceCalls: 2 })).dropped).to.deep.equal([]);
      expect((await c.stores[0]!.retain(['a'], { graceCalls: 2 })).dropped).to.deep.equal(['b']);
    } finally {
      await c.close();
    }
  });
});

describe('graft search retention', function () {
  this.timeout(240_000);
  it('drops models that left the population from the store while the search runs', () => {
    const out = mkdtempSync(join(tmpdir(), 'graft-retain-'));
    try {
      const tiny = ['--space', 'synthetic', '--data', 'synthetic', '--train-size', '120', '--val-size', '60', '--batch-size', '32', '--no-progress'];
      const args = [main, 'search', ...tiny, '--max-evals', '14', '--population', '2', '--sample', '1', '--actors-per-rank', '1', '--out', join(out, 'run')];
      const r = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 200_000 });
      expect(r.status, r.stderr).to.equal(0);
      const events = readFileSync(join(out, 'run', 'log.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { event: string; dropped?: number });
      const dropped = events.filter((e) => e.event === 'store.rank.retained').reduce((sum, e) => sum + (e.dropped ?? 0), 0);
      // 14 results, kept: the last 2 and the 5 best; a model goes the second time it is left out.
      expect(dropped).to.be.greaterThan(0);
      expect(dropped).to.be.at.most(14 - 5);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
