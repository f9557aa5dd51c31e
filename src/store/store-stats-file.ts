// store/store-stats-file.ts: each rank's layer-store figures over a search, one JSON line per
// sample in `<out>/store-stats/r<rank>.jsonl`: bytes in memory against the budget, bytes
// spilled, own blobs, replicas and pinned blobs. A sample is taken every second and written
// only when something changed, and once more when the store closes, so an idle rank writes
// nothing. Each rank writes its own file (no two writers share one on a parallel file
// system). Read it to size `--store-mb`, or to see that replicas are let go. Knows the store's
// stats, not the search.

import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { LayerStore, StoreStats } from './index.js';
import { log } from '../util/log.js';

/** One line of a store-stats file. */
export interface StoreStatsSample extends StoreStats {
  /** Wall-clock time, ISO 8601. */
  t: string;
  rank: number;
}

const kSampleMs = 1000;

/** The store-stats file of `rank` in run directory `out`. */
export function storeStatsFile(out: string, rank: number): string {
  return join(out, 'store-stats', `r${rank}.jsonl`);
}

/** Samples `store` into its rank's file until the returned function is called (which writes a last sample). */
export function recordStoreStats(store: LayerStore, out: string): () => void {
  const file = storeStatsFile(out, store.rank);
  let last = '';
  let broken = false;
  const sample = (): void => {
    if (broken) return;
    const stats = JSON.stringify(store.stats());
    if (stats === last) return;
    last = stats;
    try {
      mkdirSync(join(file, '..'), { recursive: true });
      appendFileSync(file, `{"t":"${new Date().toISOString()}","rank":${store.rank},${stats.slice(1)}\n`);
    } catch (err) {
      // Figures for the user are not worth failing a search for: say so once and stop.
      broken = true;
      log('warn', 'nas.store_stats.write_failed', { file, error: err });
    }
  };
  const timer = setInterval(sample, kSampleMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    sample();
  };
}
