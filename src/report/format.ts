// report/format.ts: how figures read in tables and terminal lines (seconds, bytes, p-values,
// shares, intervals), one place so the HTML report, `graft report` and the benchmark agree.

import type { Interval } from './statistics.js';

export function fmtNumber(x: number | undefined, digits = 4): string {
  if (x === undefined || Number.isNaN(x)) return '–';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  return x.toFixed(digits);
}

export function fmtSeconds(s: number): string {
  if (!Number.isFinite(s)) return '–';
  if (s < 1) return `${(s * 1000).toFixed(0)} ms`;
  if (s < 120) return `${s.toFixed(1)} s`;
  if (s < 7200) return `${(s / 60).toFixed(1)} min`;
  return `${(s / 3600).toFixed(2)} h`;
}

/** "1 repeat", "3 repeats": a count and its noun (plural by an s). */
export function fmtCount(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** A time to target: seconds, or 'not reached' for a run that never got there (Infinity). */
export function fmtTimeToTarget(s: number): string {
  return s === Infinity ? 'not reached' : fmtSeconds(s);
}

/** A ratio such as a speedup: "2.35x". */
export function fmtRatio(x: number): string {
  return Number.isNaN(x) ? '–' : `${fmtNumber(x, 2)}x`;
}

export function fmtBytes(b: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = b;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} B` : `${v.toFixed(1)} ${units[u]}`;
}

export function fmtShare(x: number): string {
  return Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : '–';
}

/** p-values keep two significant digits; tiny ones read as a bound. */
export function fmtP(p: number): string {
  if (!Number.isFinite(p)) return '–';
  if (p < 1e-4) return '< 0.0001';
  return p.toPrecision(2);
}

/** "p = 0.023" or "p < 0.0001", for prose. */
export function fmtPClause(p: number): string {
  const text = fmtP(p);
  return text.startsWith('<') ? `p ${text}` : `p = ${text}`;
}

export function fmtSigned(x: number, digits = 4): string {
  if (!Number.isFinite(x)) return '–';
  return (x >= 0 ? '+' : '−') + Math.abs(x).toFixed(digits);
}

/** "+0.0300 [+0.0100, +0.0450]": a signed estimate and its interval (the bracket left out when unknown). */
export function fmtSignedInterval(x: Interval, digits = 4): string {
  const bounds = Number.isNaN(x.low) || Number.isNaN(x.high) ? '' : ` [${fmtSigned(x.low, digits)}, ${fmtSigned(x.high, digits)}]`;
  return fmtSigned(x.estimate, digits) + bounds;
}
