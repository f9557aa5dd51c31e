// cli/report.ts: `graft report DIR [--vs DIR2]`: writes DIR/report.html and DIR/report.png from
// the run's journal, and prints the main figures (and the comparison with DIR2) to the terminal.

import { parseArgs } from 'node:util';
import { InvalidArgumentError } from '../errors.js';
import { fmtBytes, fmtNumber, fmtP, fmtSeconds, fmtShare, fmtSigned, writeReport } from '../report/index.js';
import type { ReportFiles, RunSummary } from '../report/index.js';
import type { Command } from './command.js';

const kOptions = {
  vs: { type: 'string' },
  label: { type: 'string' },
  'vs-label': { type: 'string' },
  'png-scale': { type: 'string' },
} as const;

const kHelp = `Usage: graft report DIR [--vs DIR2] [options]

Reads DIR/journal.jsonl and writes DIR/report.html (a self-contained page: summary, plots of
score against time and evaluations, score histogram, transfer hit rate, fetch sources, actor
timeline, top-K learning curves) and DIR/report.png (score against wall time).

  --vs DIR2          overlay a second run and test DIR's scores against DIR2's
                     (Mann–Whitney U, two-sided), e.g. transfer against scratch
  --label NAME       DIR's name in legends and tables (default: its directory name)
  --vs-label NAME    DIR2's name (default: its directory name)
  --png-scale S      pixels per SVG unit in the PNG, in (0, 8] (default 2)
`;

export const reportCommand: Command = {
  summary: 'write DIR/report.html and report.png from a run (optionally --vs a second run)',
  help: kHelp,
  async run(argv) {
    let parsed;
    try {
      parsed = parseArgs({ args: argv, options: kOptions, allowPositionals: true, strict: true });
    } catch (cause) {
      throw new InvalidArgumentError(`${(cause as Error).message}`, { cause });
    }
    const { values, positionals } = parsed;
    if (positionals.length !== 1) {
      throw new InvalidArgumentError(`expected one run directory, got ${positionals.length}; see 'graft report --help'`, {
        details: { positionals },
      });
    }
    const scale = values['png-scale'] === undefined ? undefined : Number(values['png-scale']);
    if (scale !== undefined && !(scale > 0 && scale <= 8)) {
      throw new InvalidArgumentError(`--png-scale must be a number in (0, 8], got '${values['png-scale']}'`, { details: { option: 'png-scale' } });
    }
    const files = await writeReport(positionals[0]!, {
      ...(values.vs !== undefined ? { vs: values.vs } : {}),
      ...(values.label !== undefined ? { label: values.label } : {}),
      ...(values['vs-label'] !== undefined ? { vsLabel: values['vs-label'] } : {}),
      ...(scale !== undefined ? { pngScale: scale } : {}),
    });
    process.stdout.write(describe(files));
    return 0;
  },
};

function describe(files: ReportFiles): string {
  const lines = [summaryLine(files.summary)];
  if (files.vsSummary) lines.push(summaryLine(files.vsSummary));
  const c = files.comparison;
  if (c) {
    lines.push(
      `${c.label} vs ${c.baseline}: mean gain ${fmtSigned(c.meanGain)}, median gain ${fmtSigned(c.medianGain)}, ` +
        `Mann–Whitney U ${fmtNumber(c.test.u, 1)}, p ${fmtP(c.test.p)} (${c.test.method}), P(beats) ${fmtShare(c.test.effect)}`,
    );
  }
  for (const note of files.notes) lines.push(`note: ${note}`);
  lines.push(`wrote ${files.html}`);
  if (files.png) lines.push(`wrote ${files.png}`);
  return lines.join('\n') + '\n';
}

function summaryLine(s: RunSummary): string {
  const score = s.score ? `median ${fmtNumber(s.score.median)} [${fmtNumber(s.score.q1)}, ${fmtNumber(s.score.q3)}]` : 'no scores';
  const best = s.best ? `best #${s.best.id} ${fmtNumber(s.best.score)}` : 'no best';
  const topk = Number.isFinite(s.topk.meanEpochRatio) ? `, top-${s.topk.pairs.length} scratch/checkpoint epochs ${fmtNumber(s.topk.meanEpochRatio, 2)}x` : '';
  return (
    `${s.label}: ${s.evaluations} candidates${s.failed > 0 ? ` (${s.failed} failed)` : ''}, ${score}, ${best}, wall ${fmtSeconds(s.wallSeconds)}, ` +
    `hit rate ${fmtShare(s.transfer.hitRate)}, fetched ${fmtBytes(s.transfer.bytesFetched)} in ${fmtSeconds(s.transfer.fetchSeconds)}${topk}`
  );
}
