// test/cli/progress-line.test.ts: rank 0's progress output. On a terminal it redraws one line
// in place; on anything else (a batch job's log, CI) it writes whole lines, no carriage
// returns, at most one per 30 s of search time plus the last candidate's, and at the end the
// state it held back.

import { expect } from 'chai';
import { formatProgress, ProgressLine } from 'graft/cli';
import type { Progress } from 'graft/nas';

/** A stream at the edge of the unit: records what is written, claims to be a terminal or not. */
function stream(isTTY: boolean): NodeJS.WriteStream & { text: string } {
  const s = { isTTY, text: '', write(chunk: string) { s.text += chunk; return true; } };
  return s as unknown as NodeJS.WriteStream & { text: string };
}

function progress(done: number, elapsedSeconds: number): Progress {
  return { done, total: 10, failed: 0, inFlight: 2, best: { id: 0, score: 0.5 }, perMinute: 6, hitRate: 0.5, etaSeconds: 60, elapsedSeconds };
}

describe('ProgressLine', () => {
  it('writes plain lines, at most one per 30 s and the last one, when the stream is not a terminal', () => {
    const out = stream(false);
    const line = new ProgressLine(out);
    const seconds = [1, 2, 5, 20, 31, 32, 40, 62, 63, 64];
    seconds.forEach((t, i) => line.update(progress(i + 1, t)));
    line.end();
    expect(out.text).to.not.contain('\r');
    expect(out.text).to.not.contain('\x1b');
    const lines = out.text.trimEnd().split('\n');
    expect(lines).to.deep.equal([progress(1, 1), progress(5, 31), progress(8, 62), progress(10, 64)].map(formatProgress));
  });

  it('writes the held-back state at the end when the search stops short of the last candidate', () => {
    const out = stream(false);
    const line = new ProgressLine(out);
    line.update(progress(1, 1));
    line.update(progress(2, 2));
    line.update(progress(3, 3));
    line.end();
    expect(out.text.trimEnd().split('\n')).to.deep.equal([progress(1, 1), progress(3, 3)].map(formatProgress));
    line.end();
    expect(out.text.trimEnd().split('\n')).to.have.length(2);
  });

  it('redraws one line in place on a terminal and ends it with a newline', () => {
    const out = stream(true);
    const line = new ProgressLine(out);
    for (let i = 1; i <= 3; i++) line.update(progress(i, i));
    line.end();
    expect(out.text.match(/\r\x1b\[2K/g)).to.have.length(3);
    expect(out.text.endsWith(formatProgress(progress(3, 3)) + '\n')).to.equal(true);
    expect(out.text.split('\n')).to.have.length(2);
  });
});
