// util/duration.ts: the one reader of durations on the command line: a number of seconds,
// minutes or hours (`90`, `90s`, `45m`, `2h`) or a clock `H:MM:SS` whose minutes and seconds
// are 00 to 59 (hours may pass 24). Anything else is NaN, for the caller to refuse with its
// own option's name.

const kUnits: Readonly<Record<string, number>> = { '': 1, s: 1, m: 60, h: 3600 };

/** Seconds of `H:MM:SS`, or NaN when it is not one (minutes or seconds past 59 included). */
export function parseClock(text: string): number {
  const clock = /^(\d{1,4}):(\d{2}):(\d{2})$/.exec(text.trim());
  if (!clock) return Number.NaN;
  const [hours, minutes, seconds] = clock.slice(1).map(Number) as [number, number, number];
  return minutes > 59 || seconds > 59 ? Number.NaN : hours * 3600 + minutes * 60 + seconds;
}

/** Seconds of `90`, `90s`, `45m`, `2h` or `H:MM:SS`, or NaN. */
export function parseDuration(text: string): number {
  const unit = /^(\d+(?:\.\d+)?)([smh]?)$/.exec(text.trim());
  return unit ? Number(unit[1]) * kUnits[unit[2]!]! : parseClock(text);
}
