// nas/run/index.ts: the run directory, a leaf of the search layer: its file names, the journal
// and its records, results.csv, the lock, and the options a search runs with. Imports neither
// tfjs nor vega (nothing here trains or draws), so the report, the configuration and the
// command line read a run without loading them.

export type * from './evaluation-record.js';
export { Journal, readJournal, type JournalContents } from './journal.js';
export { ResultsCsv } from './results-csv.js';
export { kJournalFile, kResultsFile, kConfigFile, checkpointDir, readSearchConfig } from './run-files.js';
export { lockRunDir, kLockFile, type RunLock } from './run-lock.js';
export {
  kSearchDefaults,
  resolveSearchOptions,
  checkOneBudget,
  checkSearchOptions,
  defaultMaxParams,
  donorDirs,
  type SearchOptions,
  type TransferPolicy,
  type TransferMode,
  type StrategyName,
} from './search-options.js';
export type { TopKOptions, PairsOptions } from './phase-options.js';
