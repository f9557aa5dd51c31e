// test/nas/search-local.test.ts: `graft search` end to end in one process with two training
// actors on the synthetic task: every candidate exactly once in the journal and results.csv,
// donors found and used after the first generation; killed mid-search and resumed, nothing
// recorded is lost and the candidates in flight run again; then `graft topk` trains the best
// from their checkpoints and from scratch.

import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkpointDir, readJournal, reseedStore, type EvaluationRecord, type JournalRecord } from 'graft/nas';
import { GossipIndex, LayerStore } from 'graft/store';
import { extractLayers, loadModel } from 'graft/train';
import { LocalTransport } from 'graft/transport';

const main = fileURLToPath(new URL('../../../dist/main.js', import.meta.url));
const tiny = ['--space', 'synthetic', '--data', 'synthetic', '--train-size', '120', '--val-size', '60', '--batch-size', '32', '--learning-rate', '0.01', '--no-progress'];

function evaluations(records: JournalRecord[]): EvaluationRecord[] {
  return records.filter((r): r is EvaluationRecord => r.kind === 'evaluation');
}

function expectEachOnce(dir: string, n: number): EvaluationRecord[] {
  const records = readJournal(join(dir, 'journal.jsonl')).records;
  const evals = evaluations(records);
  expect(evals.map((r) => r.id).sort((a, b) => a - b)).to.deep.equal([...Array(n).keys()]);
  expect(records.filter((r) => r.kind === 'proposal').map((r) => r.id)).to.deep.equal([...Array(n).keys()]);
  const rows = readFileSync(join(dir, 'results.csv'), 'utf8').trim().split('\n').slice(1);
  expect(rows.map((r) => Number(r.split(',')[0])).sort((a, b) => a - b)).to.deep.equal([...Array(n).keys()]);
  return evals;
}

describe('graft search (one process, two actors)', function () {
  this.timeout(300_000);
  let root: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'graft-search-'));
  });

  it('evaluates every candidate once and transfers from donors after the first generation', () => {
    const out = join(root, 'run');
    const r = spawnSync(process.execPath, [main, 'search', ...tiny, '--max-evals', '10', '--population', '4', '--sample', '2', '--beta', '2', '--actors-per-rank', '2', '--out', out], { encoding: 'utf8', timeout: 240_000 });
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.contain('best: candidate');
    // Start-up is printed and journaled, and counts in --walltime (from process start).
    expect(r.stderr).to.match(/ready after [0-9.]+ s of start-up/);
    const start = readJournal(join(out, 'journal.jsonl')).records.find((x) => x.kind === 'start');
    expect(start?.kind === 'start' && start.startupSeconds).to.be.greaterThan(0);
    const evals = expectEachOnce(out, 10);
    // The first two candidates start together: nothing is stored yet.
    for (const e of evals.filter((e) => e.id < 2)) expect(e.transfer.donorId).to.equal(null);
    const transferred = evals.filter((e) => e.transfer.layersTransferred > 0);
    expect(transferred.length).to.be.greaterThan(0);
    for (const e of transferred) {
      expect(e.transfer.donorId).to.be.a('number');
      expect(e.transfer.donorId).to.not.equal(e.id);
      expect(e.transfer.source).to.equal('local');
      expect(e.transfer.bytesFetched).to.be.greaterThan(0);
    }
    expect(existsSync(join(out, 'models', String(evals[0]!.id), 'model.json'))).to.equal(true);

    const topk = spawnSync(process.execPath, [main, 'topk', out, '--k', '2', '--max-epochs', '4', '--patience', '1'], { encoding: 'utf8', timeout: 120_000 });
    expect(topk.status, topk.stderr).to.equal(0);
    expect(topk.stdout).to.match(/ratio scratch\/checkpoint: epochs [\d.]+x/);
    const records = readJournal(join(out, 'journal.jsonl')).records.filter((x) => x.kind === 'topk');
    expect(records.map((x) => x.kind === 'topk' && `${x.start}`).sort()).to.deep.equal(['checkpoint', 'checkpoint', 'scratch', 'scratch']);
  });

  it('transfers in freeze mode too, and runs the same search without transfer', () => {
    for (const mode of [['--transfer-mode', 'freeze'], ['--transfer', 'none']]) {
      const out = join(root, mode[1]!);
      const r = spawnSync(process.execPath, [main, 'search', ...tiny, ...mode, '--max-evals', '8', '--population', '3', '--sample', '2', '--beta', '2', '--actors-per-rank', '2', '--out', out], { encoding: 'utf8', timeout: 240_000 });
      expect(r.status, r.stderr).to.equal(0);
      const evals = expectEachOnce(out, 8);
      const transferred = evals.filter((e) => e.transfer.layersTransferred > 0).length;
      if (mode[1] === 'none') expect(transferred).to.equal(0);
      else expect(transferred).to.be.greaterThan(0);
    }
  });

  it('resumes after being killed mid-search: nothing lost, in-flight candidates rerun', async () => {
    const out = join(root, 'killed');
    const n = 14;
    const child = spawn(process.execPath, [main, 'search', ...tiny, '--max-evals', String(n), '--population', '4', '--sample', '2', '--actors-per-rank', '1', '--out', out], { stdio: 'ignore' });
    const journal = join(out, 'journal.jsonl');
    // Kill it once a few results are on disk.
    await new Promise<void>((resolve, reject) => {
      const poll = setInterval(() => {
        const count = existsSync(journal) ? readFileSync(journal, 'utf8').split('"kind":"evaluation"').length - 1 : 0;
        if (count >= 3) {
          clearInterval(poll);
          child.kill('SIGKILL');
          resolve();
        }
      }, 50);
      child.once('exit', (code) => {
        clearInterval(poll);
        if (code === 0) reject(new Error('the search finished before it could be killed'));
      });
    });
    await new Promise((resolve) => child.once('close', resolve));
    const before = readJournal(journal).records;
    const doneBefore = evaluations(before);
    expect(doneBefore.length).to.be.within(3, n - 1);

    const r = spawnSync(process.execPath, [main, 'search', '--resume', out, '--no-progress'], { encoding: 'utf8', timeout: 240_000 });
    expect(r.status, r.stderr).to.equal(0);
    const evals = expectEachOnce(out, n);
    // What was recorded before the kill is still there, unchanged.
    for (const e of doneBefore) expect(evals.find((x) => x.id === e.id)).to.deep.equal(e);
  });

  it('puts the checkpoints of the population back into a store after a resume', async () => {
    const out = join(root, 'killed');
    const records = readJournal(join(out, 'journal.jsonl')).records;
    const transport = new LocalTransport();
    const index = new GossipIndex(transport);
    const store = new LayerStore(transport, index, { spillDir: join(root, 'spill') });
    try {
      const stored = await reseedStore(store, out, records, 4, null);
      expect(stored).to.be.within(4, 8);
      const last = evaluations(records).filter((e) => e.repeatOf === undefined).sort((a, b) => a.id - b.id).at(-1)!;
      const model = await loadModel(checkpointDir(out, last.id));
      const ids = extractLayers(model).map((l) => l.layerId);
      model.dispose();
      const match = index.donor(ids)!;
      expect(match.matched).to.equal(ids.length);
    } finally {
      index.close();
      await store.close();
      await transport.close();
    }
  });
});
