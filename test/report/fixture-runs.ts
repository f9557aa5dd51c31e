// test/report/fixture-runs.ts: a fresh temporary copy of the recorded runs in
// test/fixtures/report, so tests write reports without touching the fixtures.

import { cpSync, mkdtempSync, rmSync } from 'node:fs';
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
