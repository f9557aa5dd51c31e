// nas/run/results-csv.ts: `results.csv`, one row per evaluated candidate, like DeepHyper's. It is
// derived from the journal: rebuilt from it when a search opens or resumes, then appended to
// per result, so the two always agree.

import { appendFileSync, renameSync, writeFileSync } from 'node:fs';
import type { EvaluationRecord, FailureRecord, JournalRecord } from './evaluation-record.js';

const kColumns = [
  'id', 'arch_seq', 'parent', 'repeat_of', 'objective', 'val_loss', 'epochs', 'steps', 'train_seconds', 'total_seconds',
  'transfer_rule', 'donor_run', 'donor_id', 'layers_matched', 'layers_transferred', 'layers_skipped',
  'params_transferred', 'params_total', 'bytes_fetched', 'fetch_seconds',
  'fetch_source', 'rank', 'actor', 'backend', 'started_at', 'finished_at', 'status',
] as const;

export class ResultsCsv {
  readonly file: string;

  /** Writes the header and a row for every result already in `records` (atomically). */
  constructor(file: string, records: readonly JournalRecord[] = []) {
    this.file = file;
    const rows = records.filter(isResult).map(rowOf);
    writeFileSync(file + '.tmp', [kColumns.join(','), ...rows].join('\n') + '\n');
    renameSync(file + '.tmp', file);
  }

  append(record: EvaluationRecord | FailureRecord): void {
    appendFileSync(this.file, rowOf(record) + '\n');
  }
}

function isResult(r: JournalRecord): r is EvaluationRecord | FailureRecord {
  return r.kind === 'evaluation' || r.kind === 'failure';
}

function rowOf(r: EvaluationRecord | FailureRecord): string {
  const choices = `"[${r.choices.join(', ')}]"`;
  if (r.kind === 'failure') {
    const empty = Array<string>(kColumns.length - 5).fill('');
    return [r.id, choices, r.parent ?? '', ...empty, fmt(r.finishedAt), 'failed'].join(',');
  }
  const t = r.transfer;
  return [
    r.id, choices, r.parent ?? '', r.repeatOf ?? '', r.score, r.valLoss, r.epochs, r.steps ?? '', fmt(r.trainSeconds), fmt(r.totalSeconds),
    t.rule ?? '', csvText(t.donorRun ?? ''), t.donorId ?? '', t.layersMatched, t.layersTransferred, t.layersSkipped,
    t.paramsTransferred ?? '', t.paramsTotal ?? '', t.bytesFetched, fmt(t.fetchSeconds),
    t.source, r.rank, csvText(r.actor), csvText(r.backend), fmt(r.startedAt), fmt(r.finishedAt), r.repeatOf !== undefined ? 'repeat' : 'ok',
  ].join(',');
}

function fmt(seconds: number): string {
  return seconds.toFixed(3);
}

function csvText(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
