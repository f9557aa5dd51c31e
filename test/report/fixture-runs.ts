// test/report/fixture-runs.ts: a fresh temporary copy of the recorded runs in
// test/fixtures/report, so tests write reports without touching the fixtures; and scratch twins
// written into a copy's journal for the paired measurement.

import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const fixtureRoot = new URL('../../../test/fixtures/report/', import.meta.url).pathname;

export interface FixtureRuns {
  root: string;
  transfer: string;
  scratch: string;
  remove(): void;
}

export function copyFixtureRuns(): FixtureRuns {
  const root = mkdtempSync(join(tmpdir(), 'graft-report-'));
  cpSync(fixtureRoot, root, { recursive: true });
  return { root, transfer: join(root, 'transfer'), scratch: join(root, 'scratch'), remove: () => rmSync(root, { recursive: true, force: true }) };
}

/**
 * Gives every evaluation of `dir` that transferred layers its parameter counts (a fourth of the
 * model per layer: 1 layer 25%, 2 layers 50%, 3 layers 75%) and a scratch twin scoring
 * 0.004 per transferred layer lower, and marks candidate 19 as a repeat of 9. Returns the ids
 * that got a twin.
 */
export function addScratchTwins(dir: string): number[] {
  const file = join(dir, 'journal.jsonl');
  const records = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
  const twins: object[] = [];
  for (const r of records) {
    if (r.kind !== 'evaluation' || r.transfer.layersTransferred === 0) continue;
    r.transfer.paramsTotal = 400_000;
    r.transfer.paramsTransferred = 100_000 * r.transfer.layersTransferred;
    if (r.id === 19) r.repeatOf = 9;
    const score = Math.round((r.score - 0.004 * r.transfer.layersTransferred) * 1e4) / 1e4;
    twins.push({ kind: 'pair', id: r.id, score, valLoss: r.valLoss, epochs: r.epochs, steps: 100, trainSeconds: r.trainSeconds, curve: r.curve });
  }
  writeFileSync(file, [...records, ...twins].map((r) => JSON.stringify(r) + '\n').join(''));
  return twins.map((t) => (t as { id: number }).id);
}
