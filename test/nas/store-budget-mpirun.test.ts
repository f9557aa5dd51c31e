// A search on 3 real MPI ranks with a 1 MiB layer store each (mnist-mlp layers are 0.1-1.6
// MB, so nearly every put spills and every replica is soon evicted), real tfjs training on
// a few hundred MNIST images: every rank's store-stats samples stay within the budget, the
// store spilled and kept peer replicas, replicas came and went, pinned blobs never pile up
// (a fetch's replicas are let go once its layers are loaded), and at the end nothing is pinned.

import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readJournal, type EvaluationRecord } from 'graft/nas';
import { storeStatsFile, type StoreStatsSample } from 'graft/store';
import { skipWithoutMpi, mpirun } from '../helpers/mpirun.js';

const main = fileURLToPath(new URL('../../../dist/main.js', import.meta.url));
const kRanks = 3;
const kCandidates = 60;
/** More weighted layers than any mnist-mlp candidate has: one fetch pins at most that many. */
const kMostLayersPerModel = 12;

describe('layer store budget over a search under mpirun -n 3', function () {
  this.timeout(180_000);
  before(function () {
    skipWithoutMpi(this);
  });

  it('keeps every rank within --store-mb, spills, and lets go of replicas', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'graft-store-budget-')), 'run');
    const args = [
      'search', '--space', 'mnist-mlp', '--data', 'mnist', '--train-size', '256', '--val-size', '128', '--batch-size', '64',
      '--max-evals', String(kCandidates), '--population', '6', '--sample', '2', '--actors-per-rank', '1', '--store-mb', '1', '--no-progress', '--out', out,
    ];
    const r = await mpirun(kRanks, main, { args, timeoutMs: 150_000 });
    expect(r.timedOut, r.stderr).to.equal(false);
    expect(r.code, r.stderr).to.equal(0);
    const evals = readJournal(join(out, 'journal.jsonl')).records.filter((x): x is EvaluationRecord => x.kind === 'evaluation');
    expect(evals.map((e) => e.id).sort((a, b) => a - b)).to.deep.equal([...Array(kCandidates).keys()]);

    const all: StoreStatsSample[][] = [];
    for (let rank = 0; rank < kRanks; rank++) {
      const file = storeStatsFile(out, rank);
      expect(existsSync(file), file).to.equal(true);
      const samples = readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as StoreStatsSample);
      all.push(samples);
      for (const s of samples) {
        expect(s.rank).to.equal(rank);
        expect(s.capacityBytes).to.equal(1024 * 1024);
        expect(s.residentBytes, `rank ${rank} at ${s.t}`).to.be.at.most(s.capacityBytes);
        expect(s.pinnedBlobs, `rank ${rank} at ${s.t}: pinned blobs`).to.be.at.most(kMostLayersPerModel);
      }
      // The last sample is taken after the last candidate, before the store closes.
      expect(samples.at(-1)!.pinnedBlobs, `rank ${rank}: pinned at the end`).to.equal(0);
    }
    const flat = all.flat();
    expect(flat.some((s) => s.spilledBytes > 0), 'some layer spilled').to.equal(true);
    expect(flat.some((s) => s.replicas > 0), 'some rank kept a replica of a peer layer').to.equal(true);
    // A cumulative count: a replica taken and let go between two samples counts too.
    const freed = flat.some((s) => s.replicasFreed > 0);
    expect(freed, 'some rank let a replica go').to.equal(true);
    // Retention dropped models: no rank keeps every model it trained.
    for (let rank = 0; rank < kRanks; rank++) {
      const trained = evals.filter((e) => e.rank === rank && e.repeatOf === undefined).length;
      if (trained > 10) expect(all[rank]!.at(-1)!.models, `rank ${rank}: live models at the end`).to.be.below(trained);
    }
  });
});
