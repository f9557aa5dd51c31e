// nas/run-files.ts: the layout of a search's run directory, in one place.

import { join } from 'node:path';

/** Every proposal and result, one JSON line each (see evaluation-record.ts). */
export const kJournalFile = 'journal.jsonl';
/** One row per evaluated candidate. */
export const kResultsFile = 'results.csv';
/** The search's options, so --resume and topk run with the same ones. */
export const kConfigFile = 'config.json';

/** A candidate's NAS checkpoint (tfjs LayersModel format), the top-K phase's starting point. */
export function checkpointDir(out: string, id: number): string {
  return join(out, 'models', String(id));
}
