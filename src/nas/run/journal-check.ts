// nas/run/journal-check.ts: the shape every journal record must have, checked as the journal is
// read, so that `--resume`, `graft topk`, `graft pairs` and the report all refuse a malformed
// record with its line number and the field that is wrong, instead of failing later with a
// TypeError or turning it into NaN. Pure: knows the record types, not files.

import { JournalError } from '../errors.js';
import type { JournalRecord } from './evaluation-record.js';

type Fields = Record<string, unknown>;

/** Throws JournalError naming `file`, `line` and the first bad field of `r`. */
export function checkRecord(r: JournalRecord, file: string, line: number): void {
  const bad = (field: string, expected: string): never => {
    throw new JournalError(`${file}:${line}: field '${field}' of this ${r.kind} record must be ${expected}`, { details: { file, line, field } });
  };
  const o = r as unknown as Fields;
  const numbers = (obj: Fields, fields: string[], prefix = ''): void => {
    for (const f of fields) if (typeof obj[f] !== 'number') bad(prefix + f, 'a number');
  };
  const id = (): void => {
    if (!Number.isInteger(o.id) || (o.id as number) < 0) bad('id', 'a non-negative integer');
  };
  const choices = (): void => {
    if (!Array.isArray(o.choices) || !o.choices.every((c) => Number.isInteger(c) && c >= 0)) bad('choices', 'an array of non-negative integers');
  };
  const parent = (): void => {
    if (o.parent !== null && !Number.isInteger(o.parent)) bad('parent', 'an integer or null');
  };
  // A diverged training records a null score (JSON has no NaN); it stays and counts as without a score.
  const score = (f = 'score'): void => {
    if (o[f] !== null && typeof o[f] !== 'number') bad(f, 'a number or null');
  };
  const curve = (): void => {
    if (!Array.isArray(o.curve)) bad('curve', 'an array');
  };
  switch (r.kind) {
    case 'proposal':
      id();
      choices();
      parent();
      numbers(o, ['at']);
      return;
    case 'evaluation': {
      id();
      choices();
      parent();
      score();
      curve();
      numbers(o, ['epochs', 'trainSeconds', 'totalSeconds', 'startedAt', 'finishedAt', 'rank']);
      if (o.repeatOf !== undefined && !Number.isInteger(o.repeatOf)) bad('repeatOf', 'an integer when present');
      if (typeof o.actor !== 'string') bad('actor', 'a string');
      if (typeof o.transfer !== 'object' || o.transfer === null) bad('transfer', 'an object');
      const t = o.transfer as Fields;
      numbers(t, ['layersTransferred', 'bytesFetched', 'fetchSeconds'], 'transfer.');
      for (const f of ['paramsTransferred', 'paramsTotal']) if (t[f] !== undefined && typeof t[f] !== 'number') bad(`transfer.${f}`, 'a number when present');
      if (t.donorRun !== undefined && typeof t.donorRun !== 'string') bad('transfer.donorRun', 'a string when present');
      return;
    }
    case 'failure': {
      id();
      choices();
      numbers(o, ['attempts', 'finishedAt']);
      if (typeof o.error !== 'object' || o.error === null) bad('error', 'an object');
      for (const f of ['name', 'code', 'message']) if (typeof (o.error as Fields)[f] !== 'string') bad(`error.${f}`, 'a string');
      return;
    }
    case 'topk':
      id();
      numbers(o, ['epochs', 'seconds']);
      if (o.start !== 'checkpoint' && o.start !== 'scratch') bad('start', "'checkpoint' or 'scratch'");
      score('testScore');
      curve();
      return;
    case 'pair':
      id();
      score();
      curve();
      numbers(o, ['epochs', 'trainSeconds']);
      return;
    case 'start':
      numbers(o, ['startupSeconds', 'ranks', 'actors', 'resumed']);
      return;
  }
}
