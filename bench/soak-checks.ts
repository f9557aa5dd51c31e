// bench/soak-checks.ts: what the soak asserts once the search is complete, each read from the
// run's own files, never from the soak's memory of what it did: every candidate exactly once
// and ok in results.csv and in the journal; no donor layer loaded from a spill file after the
// soak had corrupted it (the actors' `nas.transfer.fetched` log records say which copy of each
// layer a candidate got); every store-stats sample within its rank's budget.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { readJournal } from 'graft/nas';
import { storeStatsFile, type StoreStatsSample } from 'graft/store';
import type { Corruption } from './soak-faults.js';

export interface OnceFigures {
  /** Candidates without an ok result (missing, or failed) in the journal or in results.csv. */
  lost: number[];
  /** Candidates with more than one result in either. */
  dup: number[];
}

/** Each id in [0, n) exactly once as an evaluation (a repeat counts: a cached ok result). */
export function checkEachOnce(out: string, n: number): OnceFigures {
  const journalResults = new Map<number, number>();
  const journalOk = new Map<number, number>();
  const csvRows = new Map<number, number>();
  const csvOk = new Map<number, number>();
  const bump = (m: Map<number, number>, id: number): void => void m.set(id, (m.get(id) ?? 0) + 1);
  for (const r of readJournal(join(out, 'journal.jsonl')).records) {
    if (r.kind === 'evaluation' || r.kind === 'failure') bump(journalResults, r.id);
    if (r.kind === 'evaluation' && Number.isFinite(r.score)) bump(journalOk, r.id);
  }
  const rows = parse(readFileSync(join(out, 'results.csv'), 'utf8'), { columns: true, skip_empty_lines: true }) as Array<Record<string, string>>;
  for (const row of rows) {
    bump(csvRows, Number(row.id));
    if (row.status === 'ok' || row.status === 'repeat') bump(csvOk, Number(row.id));
  }
  const dup = new Set<number>();
  for (const counts of [journalResults, csvRows]) {
    // A second result, or one for an id the search should never have proposed.
    for (const [id, count] of counts) if (count > 1 || id >= n || id < 0) dup.add(id);
  }
  const lost: number[] = [];
  for (let id = 0; id < n; id++) {
    if (!dup.has(id) && (journalOk.get(id) !== 1 || csvOk.get(id) !== 1)) lost.push(id);
  }
  return { lost, dup: [...dup].sort((a, b) => a - b) };
}

interface FetchedRecord {
  t: string;
  event: 'nas.transfer.fetched';
  rank: number;
  id: number;
  fetchStart: string;
  layers: Array<{ home: string; layerId: string; source: string }>;
  missing: Array<{ home: string; layerId: string; reason: string }>;
}

export interface LoadFigures {
  /** Fetches logged (candidates that fetched donor layers, every attempt). */
  fetches: number;
  /** Layers a candidate got from a spill file the soak had corrupted, within that file's job. */
  badLoads: Array<{ id: number; home: string; layerId: string }>;
  /** Corrupted layers refused with ERR_CHECKSUM_MISMATCH. */
  rejected: number;
  /** Checksum refusals of layers the soak did not corrupt. */
  otherRejected: number;
  /** Log lines that did not parse (a rank killed mid-write). */
  tornLines: number;
}

/** Reads the log's fetch records; `jobEnds[j]`: when job j's mpirun ended (ms since the epoch). */
export function checkLoads(logFile: string, corruptions: readonly Corruption[], jobEnds: readonly number[]): LoadFigures {
  const figures: LoadFigures = { fetches: 0, badLoads: [], rejected: 0, otherRejected: 0, tornLines: 0 };
  if (!existsSync(logFile)) return figures;
  const key = (home: string, layerId: string): string => `${home}\u0000${layerId}`;
  const damaged = new Map<string, Corruption[]>();
  for (const c of corruptions) damaged.set(key(c.home, c.layerId), [...(damaged.get(key(c.home, c.layerId)) ?? []), c]);
  // A corrupted file counts from its corruption to the end of its job: the next job's store
  // of that rank starts by deleting the rank's spill folder.
  const corruptAt = (home: string, layerId: string, when: number): boolean =>
    (damaged.get(key(home, layerId)) ?? []).some((c) => when > c.at && when < (jobEnds[c.job] ?? Infinity));
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    if (!line.includes('"nas.transfer.fetched"')) continue;
    let r: FetchedRecord;
    try {
      r = JSON.parse(line) as FetchedRecord;
    } catch {
      figures.tornLines++;
      continue;
    }
    figures.fetches++;
    const started = Date.parse(r.fetchStart);
    for (const l of r.layers) {
      if (l.source === 'spill' && corruptAt(l.home, l.layerId, started)) figures.badLoads.push({ id: r.id, home: l.home, layerId: l.layerId });
    }
    for (const m of r.missing) {
      if (m.reason !== 'ERR_CHECKSUM_MISMATCH') continue;
      if (damaged.has(key(m.home, m.layerId))) figures.rejected++;
      else figures.otherRejected++;
    }
  }
  return figures;
}

export interface StoreFigures {
  samples: number;
  /** Highest resident bytes over budget of any rank at any sample. */
  peakRatio: number;
  /** Samples over their budget. */
  over: number;
  ranksSampled: number;
}

export function checkStoreBudgets(out: string, ranks: number): StoreFigures {
  const figures: StoreFigures = { samples: 0, peakRatio: 0, over: 0, ranksSampled: 0 };
  for (let rank = 0; rank < ranks; rank++) {
    const file = storeStatsFile(out, rank);
    if (!existsSync(file)) continue;
    figures.ranksSampled++;
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      let s: StoreStatsSample;
      try {
        s = JSON.parse(line) as StoreStatsSample;
      } catch {
        continue; // a rank killed mid-write
      }
      figures.samples++;
      const ratio = s.residentBytes / s.capacityBytes;
      figures.peakRatio = Math.max(figures.peakRatio, ratio);
      if (ratio > 1) figures.over++;
    }
  }
  return figures;
}
