// test/nas/search-mpirun.test.ts: `mpirun -n 4 node dist/main.js search` with the same flags
// as a local run: one training actor per rank, every candidate exactly once in the journal and
// results.csv, candidates trained on every rank, and donor layers fetched from peer ranks;
// then the top-K phase under mpirun -n 2.

import { expect } from 'chai';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readJournal, type EvaluationRecord } from 'graft/nas';
import { skipWithoutMpi, mpirun } from '../helpers/mpirun.js';

const main = fileURLToPath(new URL('../../../dist/main.js', import.meta.url));

describe('graft search under mpirun -n 4', function () {
  this.timeout(300_000);
  before(function () {
    skipWithoutMpi(this);
  });

  it('evaluates every candidate once across 4 ranks and fetches donors from peers', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'graft-mpi-search-')), 'run');
    // Children start right after the P = 4 initial candidates, often before gossip has spread
    // the peers' first entries, and repeats of a network are not trained (the tiny synthetic
    // space has 259 networks, most children repeat one): the MLP space's 7,663 networks on the
    // synthetic data, and enough candidates that later children find donors elsewhere (6-12 of
    // 32 fetched from a peer in three tries).
    const n = 32;
    const args = [
      'search', '--space', 'mnist-mlp', '--data', 'synthetic', '--train-size', '120', '--val-size', '60', '--batch-size', '32',
      '--max-evals', String(n), '--population', '4', '--sample', '2', '--beta', '1', '--actors-per-rank', '1', '--no-progress', '--out', out,
    ];
    const r = await mpirun(4, main, { args, timeoutMs: 240_000 });
    expect(r.timedOut, r.stderr).to.equal(false);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.contain('best: candidate');
    const records = readJournal(join(out, 'journal.jsonl')).records;
    const evals = records.filter((x): x is EvaluationRecord => x.kind === 'evaluation');
    expect(evals.map((e) => e.id).sort((a, b) => a - b)).to.deep.equal([...Array(n).keys()]);
    const rows = readFileSync(join(out, 'results.csv'), 'utf8').trim().split('\n').slice(1);
    expect(rows).to.have.length(n);
    expect(new Set(evals.map((e) => e.rank))).to.deep.equal(new Set([0, 1, 2, 3]));
    const peer = evals.filter((e) => e.transfer.source === 'peer');
    expect(peer.length, 'candidates whose donor layers came from another rank').to.be.greaterThan(0);
    for (const e of peer) {
      expect(e.transfer.layersTransferred).to.be.greaterThan(0);
      const donor = evals.find((d) => d.id === e.transfer.donorId)!;
      expect(donor.rank).to.not.equal(e.rank);
    }

    // The top-K phase spreads its trainings over the ranks and journals each once.
    const topk = await mpirun(2, main, { args: ['topk', out, '--k', '2', '--max-epochs', '3', '--patience', '1'], timeoutMs: 120_000 });
    expect(topk.code, topk.stderr).to.equal(0);
    const trained = readJournal(join(out, 'journal.jsonl')).records.filter((x) => x.kind === 'topk');
    expect(trained.map((x) => x.kind === 'topk' && `${x.id}/${x.start}`).sort()).to.have.length(4);
    expect(new Set(trained.map((x) => x.kind === 'topk' && `${x.id}/${x.start}`)).size).to.equal(4);
  });
});
