// cluster/walltime.ts: a job's time limit, from the HH:MM:SS the user writes to the seconds
// the search is given, and the share of it kept back so a job ends cleanly before the
// scheduler kills it. Knows nothing of schedulers' directives beyond their time formats.

import { parseClock } from '../util/duration.js';
import { InvalidWalltimeError } from './errors.js';

/** Seconds kept back from the search's budget, at least this many … */
const kMinReserveSeconds = 60;
/** … and at most this many (launch, MPI teardown, the final journal flush). */
const kMaxReserveSeconds = 600;
/** … otherwise this fraction of the limit. */
const kReserveFraction = 0.05;

/** Parses `HH:MM:SS` (hours may exceed 24, minutes and seconds may not exceed 59) to seconds. */
export function parseWalltime(text: string): number {
  const total = parseClock(text);
  if (Number.isNaN(total)) {
    throw new InvalidWalltimeError(`--time must be HH:MM:SS with minutes and seconds 00 to 59 (for example 01:30:00), got '${text}'`, {
      details: { option: 'time', value: text },
    });
  }
  const minimum = 2 * kMinReserveSeconds;
  if (total < minimum) {
    throw new InvalidWalltimeError(
      `--time '${text}' is too short: a job needs at least ${formatWalltime(minimum)} to start, search and stop cleanly`,
      { details: { option: 'time', value: text, minimumSeconds: minimum } },
    );
  }
  return total;
}

/**
 * Seconds of the limit kept back from the search: the search stops proposing candidates once
 * its own budget (limit − reserve − time spent before launch) runs out, and the reserve covers
 * the launcher's start, MPI shutdown and the last writes.
 */
export function walltimeReserve(limitSeconds: number): number {
  const share = Math.floor(limitSeconds * kReserveFraction);
  return Math.min(kMaxReserveSeconds, Math.max(kMinReserveSeconds, share));
}

/** `HH:MM:SS`, hours zero-padded to two digits (Slurm and PBS). */
export function formatWalltime(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return `${pad2(h)}:${pad2(m)}:${pad2(s)}`;
}

/**
 * LSF's `-W [HH:]MM` has no seconds: the limit is rounded down to whole minutes, so the job
 * never asks for more than the user wrote. Returns the directive text and the seconds it grants.
 */
export function lsfWalltime(seconds: number): { text: string; seconds: number } {
  const minutes = Math.floor(seconds / 60);
  return { text: `${pad2(Math.floor(minutes / 60))}:${pad2(minutes % 60)}`, seconds: minutes * 60 };
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}
