// test/nas/pairs.test.ts: the paired measurement and donors from earlier searches, end to end
// in one process on the synthetic task. `graft pairs` trains one scratch twin per candidate
// that loaded donor layers, journals it once (a second run adds nothing), and a twin scores
// exactly what the same architecture scored in a search without transfer; `--donors-from`
// starts a new search from an earlier one's models and names them in the journal, and refuses
// a run whose data do not fit.

import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readJournal, type EvaluationRecord, type JournalRecord, type PairRecord } from 'graft/nas';

const main = fileURLToPath(new URL('../../../dist/main.js', import.meta.url));
const tiny = ['--space', 'synthetic', '--data', 'synthetic', '--train-size', '120', '--val-size', '60', '--batch-size', '32', '--learning-rate', '0.01', '--no-progress', '--actors-per-rank', '2'];
const search = ['search', ...tiny, '--max-evals', '12', '--population', '4', '--sample', '2', '--beta', '2', '--seed', '4'];

function graft(args: string[]): ReturnType<typeof spawnSync> {
  return spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', timeout: 240_000 });
}

function records(dir: string): JournalRecord[] {
  return readJournal(join(dir, 'journal.jsonl')).records;
}

const evaluations = (rs: JournalRecord[]) => rs.filter((r): r is EvaluationRecord => r.kind === 'evaluation');
const twins = (rs: JournalRecord[]) => rs.filter((r): r is PairRecord => r.kind === 'pair');

describe('graft pairs and --donors-from (one process, two actors)', function () {
  this.timeout(600_000);
  let root: string;
  let transfer: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'graft-pairs-'));
    transfer = join(root, 'transfer');
    const r = graft([...search, '--transfer', 'prefix', '--out', transfer]);
    expect(r.status, String(r.stderr)).to.equal(0);
  });

  it('trains one twin per transferred candidate, resumes, and matches a search without transfer', () => {
    const scratch = join(root, 'scratch');
    const s = graft([...search, '--transfer', 'none', '--out', scratch]);
    expect(s.status, String(s.stderr)).to.equal(0);

    const p = graft(['pairs', transfer]);
    expect(p.status, String(p.stderr)).to.equal(0);
    expect(String(p.stdout)).to.match(/Wilcoxon/);
    const after = records(transfer);
    const transferred = evaluations(after).filter((e) => e.transfer.layersTransferred > 0 && e.repeatOf === undefined);
    expect(transferred.length).to.be.greaterThan(0);
    expect(twins(after).map((t) => t.id).sort((a, b) => a - b)).to.deep.equal(transferred.map((e) => e.id).sort((a, b) => a - b));

    const again = graft(['pairs', transfer]);
    expect(again.status, String(again.stderr)).to.equal(0);
    expect(twins(records(transfer))).to.have.length(transferred.length);

    // A twin is the no-transfer search's training of that architecture, to the last bit.
    const plain = new Map(evaluations(records(scratch)).filter((e) => e.repeatOf === undefined).map((e) => [e.choices.join(), e.score]));
    const common = transferred.filter((e) => plain.has(e.choices.join()));
    expect(common.length, 'architectures both searches trained').to.be.greaterThan(0);
    const twinOf = new Map(twins(after).map((t) => [t.id, t.score]));
    for (const e of common) expect(twinOf.get(e.id), `twin of candidate ${e.id}`).to.equal(plain.get(e.choices.join()));
  });

  it('refuses a search without transfer', () => {
    const none = join(root, 'none-only');
    expect(graft([...search, '--max-evals', '4', '--transfer', 'none', '--out', none]).status).to.equal(0);
    const r = graft(['pairs', none]);
    expect(r.status).to.not.equal(0);
    expect(String(r.stderr)).to.match(/without transfer/);
  });

  it('--donors-from starts from an earlier search and names its donors; a run whose data differ is refused', () => {
    const warm = join(root, 'warm');
    const r = graft([...search, '--seed', '9', '--transfer', 'prefix', '--donors-from', transfer, '--out', warm]);
    expect(r.status, String(r.stderr)).to.equal(0);
    const fromEarlier = evaluations(records(warm)).filter((e) => e.transfer.donorRun !== undefined);
    expect(fromEarlier.length).to.be.greaterThan(0);
    for (const e of fromEarlier) expect(e.transfer.donorRun).to.equal(transfer);
    // The earlier run's best architecture opens the population, and continues from its copy there.
    const earlierBest = evaluations(records(transfer)).filter((e) => e.repeatOf === undefined).sort((a, b) => b.score - a.score || a.id - b.id)[0]!;
    const zero = evaluations(records(warm)).find((e) => e.id === 0)!;
    expect(zero.choices).to.deep.equal(earlierBest.choices);
    expect(zero.transfer.donorRun).to.equal(transfer);
    expect(zero.transfer.paramsTransferred).to.equal(zero.transfer.paramsTotal);

    const config = JSON.parse(readFileSync(join(transfer, 'config.json'), 'utf8')) as Record<string, unknown>;
    const regression = join(root, 'regression');
    expect(graft([...search, '--max-evals', '2', '--transfer', 'none', '--out', regression]).status).to.equal(0);
    writeFileSync(join(regression, 'config.json'), JSON.stringify({ ...config, task: 'regression' }));
    const bad = graft([...search, '--transfer', 'prefix', '--donors-from', regression, '--out', join(root, 'bad')]);
    expect(bad.status).to.not.equal(0);
    expect(String(bad.stderr)).to.match(/donors-from/);
    const missing = graft([...search, '--donors-from', join(root, 'nowhere'), '--out', join(root, 'bad2')]);
    expect(missing.status).to.not.equal(0);
    expect(String(missing.stderr)).to.match(/not a search run directory/);
  });
});
