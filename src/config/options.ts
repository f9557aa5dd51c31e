// config/options.ts: a typed table of options read from command-line flags (`--max-evals 20`,
// `--max-evals=20`) and from JSON config files (`{"maxEvals": 20}`), checked at the door:
// unknown or misspelt names get "did you mean", bad values name the option and what it must
// be, all before any work starts. Knows nothing of what the options mean.

import { InvalidArgumentError } from '../errors.js';
import { didYouMean } from '../util/did-you-mean.js';
import { parseDuration } from '../util/duration.js';

export type OptionType =
  | { kind: 'string' }
  | { kind: 'int'; min: number }
  /** `min` itself is allowed unless `minExclusive`. */
  | { kind: 'number'; min: number; max?: number; minExclusive?: boolean }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'boolean' }
  /** Seconds, written as 3600, 90s, 45m, 2h or HH:MM:SS. */
  | { kind: 'duration' };

export interface OptionSpec {
  /** The key in config files and in the resolved object (camelCase). */
  key: string;
  type: OptionType;
  help: string;
  /** Shown in help after the flag, e.g. N or DIR. */
  placeholder?: string;
}

export type OptionValues = Record<string, string | number | boolean>;

function flagOf(key: string): string {
  return '--' + key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
}

export interface ParsedArgs {
  values: OptionValues;
  positionals: string[];
}

/** Parses argv against the table; `--help` is handled by the dispatcher before this. */
export function parseFlags(argv: readonly string[], specs: readonly OptionSpec[], command: string): ParsedArgs {
  const byFlag = new Map(specs.map((s) => [flagOf(s.key), s]));
  const values: OptionValues = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq < 0 ? arg : arg.slice(0, eq);
    const spec = byFlag.get(flag) ?? (flag.startsWith('--no-') ? byFlag.get('--' + flag.slice(5)) : undefined);
    if (!spec) {
      const hint = didYouMean(flag, [...byFlag.keys()]);
      throw new InvalidArgumentError(`unknown option ${flag} for '${command}'${hint ? `: did you mean ${hint}?` : ''}`, { details: { option: flag, suggestion: hint } });
    }
    if (spec.type.kind === 'boolean') {
      if (eq >= 0) values[spec.key] = convert(spec, arg.slice(eq + 1), flag);
      else values[spec.key] = !flag.startsWith('--no-');
      continue;
    }
    let raw: string | undefined;
    if (eq >= 0) raw = arg.slice(eq + 1);
    else raw = argv[++i];
    if (raw === undefined) throw new InvalidArgumentError(`option ${flag} needs a value (${describeType(spec.type)})`, { details: { option: flag } });
    values[spec.key] = convert(spec, raw, flag);
  }
  return { values, positionals };
}

/** Reads a config file's parsed JSON object against the table. */
export function parseConfigObject(obj: unknown, specs: readonly OptionSpec[], file: string): OptionValues {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
    throw new InvalidArgumentError(`config file ${file} must hold a JSON object`, { details: { file } });
  }
  const byKey = new Map(specs.map((s) => [s.key, s]));
  const values: OptionValues = {};
  for (const [key, value] of Object.entries(obj)) {
    const spec = byKey.get(key);
    if (!spec) {
      const hint = didYouMean(key, [...byKey.keys()]);
      throw new InvalidArgumentError(`config file ${file}: unknown key '${key}'${hint ? `: did you mean '${hint}'?` : ''}`, { details: { file, key, suggestion: hint } });
    }
    const where = `config file ${file}: key '${key}'`;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') values[key] = convert(spec, value, where);
    else throw new InvalidArgumentError(`${where} must be ${describeType(spec.type)}`, { details: { file, key } });
  }
  return values;
}

function describeType(t: OptionType): string {
  switch (t.kind) {
    case 'string': return 'a string';
    case 'int': return `an integer ≥ ${t.min}`;
    case 'number':
      if (t.max === undefined) return `a number ${t.minExclusive ? '>' : '≥'} ${t.min}`;
      return `a number in ${t.minExclusive ? '(' : '['}${t.min}, ${t.max}]`;
    case 'enum': return `one of ${t.values.join(', ')}`;
    case 'boolean': return 'true or false';
    case 'duration': return 'a duration (3600, 90s, 45m, 2h or HH:MM:SS)';
  }
}

function convert(spec: OptionSpec, raw: string | number | boolean, where: string): string | number | boolean {
  const bad = (): never => {
    throw new InvalidArgumentError(`${where} must be ${describeType(spec.type)}, got ${JSON.stringify(raw)}`, { details: { option: spec.key, value: raw } });
  };
  const t = spec.type;
  switch (t.kind) {
    case 'string':
      return typeof raw === 'string' && raw.length > 0 ? raw : bad();
    case 'int': {
      const n = typeof raw === 'number' ? raw : /^-?\d+$/.test(raw as string) ? Number(raw) : NaN;
      return Number.isSafeInteger(n) && n >= t.min ? n : bad();
    }
    case 'number': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
      const aboveMin = t.minExclusive ? n > t.min : n >= t.min;
      return Number.isFinite(n) && aboveMin && (t.max === undefined || n <= t.max) ? n : bad();
    }
    case 'enum':
      return typeof raw === 'string' && t.values.includes(raw) ? raw : bad();
    case 'boolean':
      if (typeof raw === 'boolean') return raw;
      return raw === 'true' ? true : raw === 'false' ? false : bad();
    case 'duration': {
      const s = typeof raw === 'number' ? raw : parseDuration(String(raw));
      return Number.isFinite(s) && s > 0 ? s : bad();
    }
  }
}

/** Seconds in `3600`, `90s`, `45m`, `2h` or `HH:MM:SS` (NaN when none of those). */
/** Help lines for a table: flag, placeholder, text, and the default where one is given. */
export function optionsHelp(specs: readonly OptionSpec[], defaults: Readonly<Record<string, unknown>> = {}): string {
  return specs
    .map((s) => {
      const left = `  ${flagOf(s.key)}${s.type.kind === 'boolean' ? '' : ' ' + (s.placeholder ?? 'VALUE')}`;
      const d = defaults[s.key];
      const shown = d === undefined || d === null || typeof d === 'boolean' ? '' : ` [${d}]`;
      return left.padEnd(30) + ' ' + s.help + shown;
    })
    .join('\n');
}
