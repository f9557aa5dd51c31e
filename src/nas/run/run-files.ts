// nas/run/run-files.ts: the layout of a search's run directory, in one place.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { JournalError } from '../errors.js';
import type { CandidateId } from './evaluation-record.js';
import type { SearchOptions } from './search-options.js';

/** Every proposal and result, one JSON line each (see evaluation-record.ts). */
export const kJournalFile = 'journal.jsonl';
/** One row per evaluated candidate. */
export const kResultsFile = 'results.csv';
/** The search's options, so --resume and topk run with the same ones. */
export const kConfigFile = 'config.json';

/** A candidate's NAS checkpoint (tfjs LayersModel format), the top-K phase's starting point. */
export function checkpointDir(out: string, id: CandidateId): string {
  return join(out, 'models', String(id));
}

/** The search options stored in run directory `dir`; JournalError when it has none that parse. */
export function readSearchConfig(dir: string): SearchOptions {
  const file = join(dir, kConfigFile);
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as SearchOptions;
  } catch (cause) {
    throw new JournalError(`${dir} is not a search run directory: cannot read ${kConfigFile}`, { cause, details: { file } });
  }
}
