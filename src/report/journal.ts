// report/journal.ts: a run directory's journal (`DIR/journal.jsonl`) as the report sees it: the
// evaluations in order of completion, the failed candidates, the top-K records and the scratch
// twins of the paired measurement. Reading and torn-line handling are the search's own
// (nas/journal.ts); this adds the checks the figures rely on, so a malformed record is named
// rather than turned into NaN.

import { statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { JournalError, kJournalFile, readJournal } from '../nas/index.js';
import type { EvaluationRecord, FailureRecord, JournalRecord, PairRecord, TopKRecord } from '../nas/index.js';

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
  return { dir: resolve(dir), label: label ?? basename(resolve(dir)), truncatedTail, ...collect(records, file) };
}

function collect(records: readonly JournalRecord[], file: string): Pick<Run, 'evaluations' | 'failures' | 'topk' | 'pairs'> {
  const evaluations = new Map<number, EvaluationRecord>();
  const failures = new Map<number, FailureRecord>();
  const topk: TopKRecord[] = [];
  const pairs = new Map<number, PairRecord>();
  records.forEach((r, i) => {
    const line = i + 1;
    if (r.kind === 'evaluation') {
      checkEvaluation(r, file, line);
      evaluations.set(r.id, r);
      failures.delete(r.id);
    } else if (r.kind === 'failure') {
      checkFailure(r, file, line);
      if (!evaluations.has(r.id)) failures.set(r.id, r);
    } else if (r.kind === 'topk') {
      checkTopK(r, file, line);
      topk.push(r);
    } else if (r.kind === 'pair') {
      checkPair(r, file, line);
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

function checkEvaluation(r: EvaluationRecord, file: string, line: number): void {
  requireNumbers(r, ['id', 'epochs', 'trainSeconds', 'totalSeconds', 'startedAt', 'finishedAt', 'rank'], file, line);
  requireScore(r, file, line);
  if (r.repeatOf !== undefined && typeof r.repeatOf !== 'number') bad(file, line, 'repeatOf', 'a number when present');
  if (typeof r.transfer !== 'object' || r.transfer === null) bad(file, line, 'transfer', 'an object');
  requireNumbers(r.transfer, ['layersTransferred', 'bytesFetched', 'fetchSeconds'], file, line, 'transfer.');
  for (const f of ['paramsTransferred', 'paramsTotal'] as const) {
    if (r.transfer[f] !== undefined && typeof r.transfer[f] !== 'number') bad(file, line, `transfer.${f}`, 'a number when present');
  }
  if (!Array.isArray(r.arch)) bad(file, line, 'arch', 'an array');
  if (!Array.isArray(r.curve)) bad(file, line, 'curve', 'an array');
  if (typeof r.actor !== 'string') bad(file, line, 'actor', 'a string');
}

function checkPair(r: PairRecord, file: string, line: number): void {
  requireNumbers(r, ['id', 'epochs', 'trainSeconds'], file, line);
  requireScore(r, file, line);
  if (!Array.isArray(r.curve)) bad(file, line, 'curve', 'an array');
}

function checkFailure(r: FailureRecord, file: string, line: number): void {
  requireNumbers(r, ['id', 'attempts', 'finishedAt'], file, line);
  if (!Array.isArray(r.arch)) bad(file, line, 'arch', 'an array');
  if (typeof r.error !== 'object' || r.error === null) bad(file, line, 'error', 'an object');
  for (const f of ['name', 'code', 'message'] as const) if (typeof r.error[f] !== 'string') bad(file, line, `error.${f}`, 'a string');
}

function checkTopK(r: TopKRecord, file: string, line: number): void {
  requireNumbers(r, ['id', 'epochs', 'seconds'], file, line);
  if (r.start !== 'checkpoint' && r.start !== 'scratch') bad(file, line, 'start', "'checkpoint' or 'scratch'");
  if (r.testScore !== null && typeof r.testScore !== 'number') bad(file, line, 'testScore', 'a number or null');
  if (!Array.isArray(r.curve)) bad(file, line, 'curve', 'an array');
}

// A diverged training may record a null score; it stays in the journal and the report counts it
// as without a score rather than refusing the run.
function requireScore(r: { score: number | null }, file: string, line: number): void {
  if (r.score !== null && typeof r.score !== 'number') bad(file, line, 'score', 'a number or null');
}

function requireNumbers(r: object, fields: string[], file: string, line: number, prefix = ''): void {
  for (const f of fields) {
    if (typeof (r as Record<string, unknown>)[f] !== 'number') bad(file, line, prefix + f, 'a number');
  }
}

function bad(file: string, line: number, field: string, expected: string): never {
  throw new JournalError(`${file}: record ${line}: field '${field}' must be ${expected}`, { details: { file, line, field } });
}

/** Whether a record's score can enter statistics (a diverged training may have none). */
export function hasScore<T extends { score: number | null }>(r: T): r is T & { score: number } {
  return typeof r.score === 'number' && Number.isFinite(r.score);
}
