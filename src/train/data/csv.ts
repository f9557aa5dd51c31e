// train/data/csv.ts: a Dataset from a CSV file of numeric feature columns and one label
// column, read by csv-parse (RFC 4180: quoted fields, CRLF, a byte-order mark). The first row
// is a header when the label is named or any of its feature cells is not a number. Class
// labels may be non-negative integers (used as they are) or names (numbered in sorted order);
// negative integers are refused rather than read as names.

import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import type { TaskKind } from '../architecture.js';
import { DatasetError } from '../errors.js';
import {
  checkLabels, checkNormalization, classCount, normalizeSplits, splitSamples,
  type Dataset, type SplitOptions,
} from './dataset.js';

export interface CsvDatasetOptions extends SplitOptions {
  path: string;
  task: TaskKind;
  /** The label column: header name or 0-based index; default the last column. */
  label?: string | number;
  /** Field separator; default ','. */
  delimiter?: string;
  /** Classification only; default: number of distinct labels (or largest integer + 1). */
  numClasses?: number;
  name?: string;
}

export async function loadCsvDataset(options: CsvDatasetOptions): Promise<Dataset> {
  const source = options.path;
  const normalize = checkNormalization(options.normalize, source);
  const fail = (problem: string, details: Record<string, unknown> = {}): never => {
    throw new DatasetError(`${source}: ${problem}`, { details: { file: source, ...details } });
  };
  if (options.task !== 'classification' && options.task !== 'regression') {
    fail(`task must be 'classification' or 'regression', got '${String(options.task)}'`);
  }
  let text: string;
  try {
    text = await readFile(source, 'utf8');
  } catch (cause) {
    throw new DatasetError(`${source}: cannot read the file`, { cause, details: { file: source } });
  }
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(text, { delimiter: options.delimiter ?? ',', bom: true, trim: true, skip_empty_lines: true, relax_column_count: true, info: true }) as unknown as typeof records;
  } catch (cause) {
    const line = (cause as { lines?: number }).lines;
    throw new DatasetError(`${source}: not a CSV file${line ? ` (line ${line})` : ''}: ${(cause as Error).message}`, { cause, details: { file: source, line } });
  }
  const rows = records.map(({ record, info }) => ({ line: info.lines, cells: record }));
  if (rows.length === 0) fail('the file is empty');
  const width = rows[0].cells.length;
  if (width < 2) fail('needs at least one feature column and a label column');
  let labelColumn = width - 1;
  if (typeof options.label === 'number') {
    if (!Number.isInteger(options.label) || options.label < 0 || options.label >= width) {
      fail(`label column ${options.label} is outside the ${width} columns`, { label: options.label });
    }
    labelColumn = options.label;
  } else if (typeof options.label === 'string') {
    labelColumn = rows[0].cells.indexOf(options.label);
    if (labelColumn < 0) fail(`no column named '${options.label}' in the header`, { label: options.label });
  }
  // A header is a first row whose feature cells are not all numbers (class labels may be names).
  const hasHeader = typeof options.label === 'string' ||
    rows[0].cells.some((c, column) => column !== labelColumn && (c === '' || !Number.isFinite(Number(c))));
  const body = hasHeader ? rows.slice(1) : rows;
  const count = body.length;
  if (count === 0) fail('has no data rows');
  const featureSize = width - 1;
  const x = new Float32Array(count * featureSize);
  const rawLabels: string[] = [];
  body.forEach((row, i) => {
    if (row.cells.length !== width) fail(`line ${row.line} has ${row.cells.length} fields, expected ${width}`, { line: row.line });
    let f = 0;
    row.cells.forEach((cell, column) => {
      if (column === labelColumn) {
        rawLabels.push(cell);
        return;
      }
      const value = Number(cell);
      if (cell === '' || !Number.isFinite(value)) fail(`line ${row.line}, column ${column + 1}: '${cell}' is not a number`, { line: row.line, column: column + 1 });
      x[i * featureSize + f++] = value;
    });
  });

  let y: Int32Array | Float32Array;
  let numClasses = 0;
  if (options.task === 'regression') {
    y = new Float32Array(count);
    rawLabels.forEach((cell, i) => {
      const value = Number(cell);
      if (cell === '' || !Number.isFinite(value)) fail(`line ${body[i].line}: target '${cell}' is not a number`, { line: body[i].line });
      y[i] = value;
    });
  } else {
    const negative = rawLabels.findIndex((c) => /^-\d+$/.test(c));
    if (negative >= 0 && rawLabels.every((c) => /^-?\d+$/.test(c))) {
      fail(`line ${body[negative].line}: class label ${rawLabels[negative]} is negative: labels must be integers from 0, or names`, { line: body[negative].line });
    }
    const integers = rawLabels.every((c) => /^\d+$/.test(c));
    if (integers) {
      y = Int32Array.from(rawLabels, Number);
      numClasses = options.numClasses ?? classCount(y);
    } else {
      const names = [...new Set(rawLabels)].sort();
      const index = new Map(names.map((n, i) => [n, i]));
      y = Int32Array.from(rawLabels, (c) => index.get(c)!);
      numClasses = options.numClasses ?? names.length;
    }
    checkLabels(y, numClasses, source);
  }
  const [train, validation, test] = splitSamples({ x, y, count }, options, source);
  normalizeSplits(normalize, featureSize, train, [train, validation, test]);
  return {
    name: options.name ?? source,
    task: options.task,
    featureShape: [featureSize],
    numClasses,
    outputUnits: options.task === 'classification' ? numClasses : 1,
    train,
    validation,
    test,
  };
}
