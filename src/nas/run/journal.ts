// nas/run/journal.ts: the search's append-only journal, `journal.jsonl`: one JSON line per
// record, written and fsynced before the call returns, so a record that was reported is on
// disk even if the process is killed right after. Reading tolerates a torn last line (a
// crash mid-write) and reopening for append cuts it off first; a bad line anywhere else, or a
// record of the wrong shape (journal-check.ts), is an error naming its line. A field written
// under an older name is read under its new one, so older runs still resume and report.

import { closeSync, existsSync, fsyncSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import { JournalError } from '../errors.js';
import type { JournalRecord } from './evaluation-record.js';
import { checkRecord } from './journal-check.js';

const kKinds = new Set(['proposal', 'evaluation', 'failure', 'topk', 'pair', 'start']);

export interface JournalContents {
  records: JournalRecord[];
  /** Byte length of the complete lines; anything past it is a torn last line. */
  validLength: number;
}

export function readJournal(file: string): JournalContents {
  if (!existsSync(file)) throw new JournalError(`no journal at ${file}`, { details: { file } });
  const bytes = readFileSync(file);
  const records: JournalRecord[] = [];
  let start = 0;
  let line = 0;
  while (start < bytes.length) {
    const end = bytes.indexOf(0x0a, start);
    line++;
    if (end < 0) break; // torn last line: no newline was written after it
    const text = bytes.subarray(start, end).toString('utf8');
    let rec: unknown;
    try {
      rec = JSON.parse(text);
    } catch (cause) {
      throw new JournalError(`${file}:${line} is not a JSON line`, { cause, details: { file, line } });
    }
    if (typeof rec !== 'object' || rec === null || !kKinds.has((rec as { kind?: string }).kind ?? '')) {
      throw new JournalError(`${file}:${line} is not a journal record`, { details: { file, line } });
    }
    renameOldFields(rec as Record<string, unknown>);
    checkRecord(rec as JournalRecord, file, line);
    records.push(rec as JournalRecord);
    start = end + 1;
  }
  return { records, validLength: start };
}

/** Journals written before the choice vector was named `choices` call it `arch`: read as `choices`. */
function renameOldFields(rec: Record<string, unknown>): void {
  if ('arch' in rec && !('choices' in rec)) {
    rec.choices = rec.arch;
    delete rec.arch;
  }
}

export class Journal {
  readonly file: string;
  #fd: number | null;

  /** Opens for append; with `validLength` (from readJournal) a torn last line is cut off first. */
  constructor(file: string, validLength?: number) {
    this.file = file;
    this.#fd = openSync(file, 'a');
    if (validLength !== undefined) ftruncateSync(this.#fd, validLength);
  }

  append(record: JournalRecord): void {
    if (this.#fd === null) throw new JournalError(`journal ${this.file} is closed`);
    writeSync(this.#fd, JSON.stringify(record) + '\n');
    fsyncSync(this.#fd);
  }

  close(): void {
    if (this.#fd === null) return;
    closeSync(this.#fd);
    this.#fd = null;
  }
}
