// util/log.ts: structured logging as JSON lines. Each record carries time, level, event and
// fields; records go to a file when one is set (GRAFT_LOG or setLogFile) and nowhere otherwise,
// so a library user sees nothing unless they ask for it. Human progress lines are not logs:
// they belong to cli/.

import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

let logFile: string | undefined = process.env.GRAFT_LOG || undefined;
const baseFields: Record<string, unknown> = {};

/** Sends every later record to `path` (JSON lines, appended); undefined turns logging off. */
export function setLogFile(path: string | undefined): void {
  if (path) mkdirSync(dirname(path), { recursive: true });
  logFile = path;
}

/** Fields added to every record from now on, such as this process's rank. */
export function setLogFields(fields: Record<string, unknown>): void {
  Object.assign(baseFields, fields);
}

export function log(level: LogLevel, event: string, fields: Record<string, unknown> = {}): void {
  if (!logFile) return;
  const record = { t: new Date().toISOString(), level, event, ...baseFields, ...fields };
  // Synchronous append: a record must survive a crash that follows it.
  appendFileSync(logFile, JSON.stringify(record, jsonSafe) + '\n');
}

function jsonSafe(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  return value;
}
