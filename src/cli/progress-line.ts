// cli/progress-line.ts: rank 0's live progress line on a terminal: candidates done/total, best
// score, evaluations per minute, transfer hit rate and time left, redrawn in place. When the
// stream is not a terminal (a batch job's log, mpirun's forwarded output) it prints a plain
// line at most every 30 s and on the last candidate, and at the end the last state it held
// back (a search stopped by its walltime never reaches the last candidate), so logs stay
// readable.

import type { Progress } from '../nas/index.js';

const kPlainEverySeconds = 30;

export class ProgressLine {
  readonly #stream: NodeJS.WriteStream;
  readonly #tty: boolean;
  #lastPlain = -Infinity;
  #lastDone = -1;
  #drawn = false;
  /** The latest update not written yet (plain output only). */
  #held: Progress | null = null;

  constructor(stream: NodeJS.WriteStream = process.stderr) {
    this.#stream = stream;
    this.#tty = stream.isTTY === true;
  }

  update(p: Progress): void {
    const line = formatProgress(p);
    if (this.#tty) {
      this.#stream.write(`\r\x1b[2K${line}`);
      this.#drawn = true;
    } else if (p.done !== this.#lastDone && (p.done === p.total || p.elapsedSeconds - this.#lastPlain >= kPlainEverySeconds)) {
      this.#lastPlain = p.elapsedSeconds;
      this.#lastDone = p.done;
      this.#held = null;
      this.#stream.write(line + '\n');
    } else if (p.done !== this.#lastDone) {
      this.#held = p;
    }
  }

  /** Ends the redrawn line so later output starts on a fresh one; plain output gets its last state. */
  end(): void {
    if (this.#drawn) this.#stream.write('\n');
    this.#drawn = false;
    if (this.#held) this.#stream.write(formatProgress(this.#held) + '\n');
    this.#held = null;
  }
}

export function formatProgress(p: Progress): string {
  const parts = [
    `[${p.done}/${p.total}]`,
    p.best ? `best ${p.best.score.toFixed(4)} (#${p.best.id})` : 'best –',
    `${p.perMinute.toFixed(1)} evals/min`,
    `transfer ${(p.hitRate * 100).toFixed(0)}%`,
    `ETA ${p.etaSeconds === null ? '–' : formatDuration(p.etaSeconds)}`,
    `${p.inFlight} running`,
  ];
  if (p.failed > 0) parts.push(`${p.failed} failed`);
  return parts.join(' · ');
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : m > 0 ? `${m}m${String(r).padStart(2, '0')}s` : `${r}s`;
}
