// report/journal.ts: a run directory's journal (`DIR/journal.jsonl`) as the report sees it: the
// evaluations in order of completion, the failed candidates, the top-K records and the scratch
// twins of the paired measurement. Reading and torn-line handling are the search's own
// (nas/run/journal.ts), which also refuses a malformed record, naming its line and field.

import { statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { kJournalFile, readJournal } from '../nas/run/index.js';
import type { EvaluationRecord, FailureRecord, JournalRecord, PairRecord, TopKRecord } from '../nas/run/index.js';

export interface Run {
  /** The run directory, resolved. */
  dir: string;
  /** A short name for legends and tables. */
  label: string;
  /** Evaluations in order of completion (finishedAt); the last record wins for a repeated id. */
  evaluations: EvaluationRecord[];
  /** Candidates that failed on every try, without an evaluation record. */
  failures: FailureRecord[];
  topk: TopKRecord[];
  /** Scratch twins of evaluations (`pair` records), by candidate id; the last record wins for a repeated id. */
  pairs: PairRecord[];
  /** True when the last line was cut short, as by a crash in the middle of a write. */
  truncatedTail: boolean;
}

/** Reads `DIR/journal.jsonl`; rejects with the search's JournalError when it is missing or malformed. */
export async function readRun(dir: string, label?: string): Promise<Run> {
  const file = join(dir, kJournalFile);
  const { records, validLength } = readJournal(file);
  const truncatedTail = statSync(file).size > validLength;
  return { dir: resolve(dir), label: label ?? basename(resolve(dir)), truncatedTail, ...collect(records) };
}

function collect(records: readonly JournalRecord[]): Pick<Run, 'evaluations' | 'failures' | 'topk' | 'pairs'> {
  const evaluations = new Map<number, EvaluationRecord>();
  const failures = new Map<number, FailureRecord>();
  const topk: TopKRecord[] = [];
  const pairs = new Map<number, PairRecord>();
  records.forEach((r) => {
    if (r.kind === 'evaluation') {
      evaluations.set(r.id, r);
      failures.delete(r.id);
    } else if (r.kind === 'failure') {
      if (!evaluations.has(r.id)) failures.set(r.id, r);
    } else if (r.kind === 'topk') {
      topk.push(r);
    } else if (r.kind === 'pair') {
      pairs.set(r.id, r);
    }
  });
  return {
    evaluations: [...evaluations.values()].sort((a, b) => a.finishedAt - b.finishedAt || a.id - b.id),
    failures: [...failures.values()],
    topk,
    pairs: [...pairs.values()].sort((a, b) => a.id - b.id),
  };
}

/** Whether a record's score can enter statistics (a diverged training may have none). */
export function hasScore<T extends { score: number | null }>(r: T): r is T & { score: number } {
  return typeof r.score === 'number' && Number.isFinite(r.score);
}
