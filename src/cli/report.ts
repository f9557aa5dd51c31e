// cli/report.ts: `graft report DIR [--vs DIR2]`: writes DIR/report.html and DIR/report.png from
// the run's journal, and prints the main figures (the paired measurement when DIR has scratch
// twins; the time to target and the comparison with DIR2) to the terminal.

import { InvalidArgumentError } from '../errors.js';
import { optionsHelp, parseFlags, type OptionSpec } from '../config/options.js';
import { fmtBytes, fmtCount, fmtNumber, fmtP, fmtRatio, fmtSeconds, fmtShare, fmtSigned, fmtSignedInterval, fmtTimeToTarget, writeReport } from '../report/index.js';
import type { PairSummary, ReportFiles, RunSummary, TimeToTarget, WriteReportOptions } from '../report/index.js';
import type { Command } from './command.js';

const kOptionSpecs: readonly OptionSpec[] = [
  {
    key: 'vs',
    type: { kind: 'string' },
    placeholder: 'DIR2',
    help: "overlay a second run (e.g. the same search from scratch): each run's time to DIR2's final best and the speedup, and DIR's scores against DIR2's (Mann–Whitney U, secondary)",
  },
  { key: 'label', type: { kind: 'string' }, placeholder: 'NAME', help: "DIR's name in legends and tables (default: its directory name)" },
  { key: 'vsLabel', type: { kind: 'string' }, placeholder: 'NAME', help: "DIR2's name (default: its directory name)" },
  { key: 'pngScale', type: { kind: 'number', min: 0, minExclusive: true, max: 8 }, placeholder: 'S', help: 'pixels per SVG unit in the PNG, in (0, 8] (default 2)' },
];

const kHelp = [
  'Usage: graft report DIR [--vs DIR2] [options]',
  '',
  'Reads DIR/journal.jsonl and writes DIR/report.html (a self-contained page: summary, the paired',
  'measurement when DIR holds scratch twins (`pair` records), plots of score against time and',
  'evaluations, score histogram, transfer hit rate, fetch sources, actor timeline, top-K learning',
  'curves) and DIR/report.png (score against wall time).',
  '',
  'Options:',
  optionsHelp(kOptionSpecs),
  '',
].join('\n');

export const reportCommand: Command = {
  summary: 'write DIR/report.html and report.png from a run (optionally --vs a second run)',
  help: kHelp,
  async run(argv) {
    const { values, positionals } = parseFlags(argv, kOptionSpecs, 'report');
    if (positionals.length !== 1) {
      throw new InvalidArgumentError(`expected one run directory, got ${positionals.length}; see 'graft report --help'`, {
        details: { positionals },
      });
    }
    // parseFlags holds only the options given, each already checked against its row.
    const files = await writeReport(positionals[0]!, values as WriteReportOptions);
    process.stdout.write(describe(files));
    return 0;
  },
};

function describe(files: ReportFiles): string {
  const lines = [summaryLine(files.summary)];
  if (files.vsSummary) lines.push(summaryLine(files.vsSummary));
  if (files.pairs) lines.push(pairsLine(files.summary.label, files.pairs));
  if (files.timeToTarget) lines.push(timeToTargetLine(files.timeToTarget));
  const c = files.comparison;
  if (c) {
    lines.push(
      `${c.label} vs ${c.baseline} (secondary: whole-search scores as independent samples): mean gain ${fmtSigned(c.meanGain)}, median gain ${fmtSigned(c.medianGain)}, ` +
        `Mann–Whitney U ${fmtNumber(c.test.u, 1)}, p ${fmtP(c.test.p)} (${c.test.method}), P(beats) ${fmtShare(c.test.effect)}`,
    );
  }
  for (const note of files.notes) lines.push(`note: ${note}`);
  lines.push(`wrote ${files.html}`);
  if (files.png) lines.push(`wrote ${files.png}`);
  return lines.join('\n') + '\n';
}

function pairsLine(label: string, s: PairSummary): string {
  const apart = [...(s.repeats > 0 ? [`${fmtCount(s.repeats, 'repeat')} apart`] : []), ...(s.unscored > 0 ? [`${s.unscored} without a score`] : [])];
  const w = s.wilcoxon;
  return (
    `${label} against scratch twins: ${fmtCount(s.n, 'architecture')}${apart.length > 0 ? ` (${apart.join(', ')})` : ''}, ` +
    `median gain ${fmtSignedInterval(s.medianGain)}, mean gain ${fmtSignedInterval(s.meanGain)}, helped ${fmtShare(s.helpedShare)}` +
    (w ? `, Wilcoxon W ${fmtNumber(w.statistic, 1)}, p ${fmtP(w.p)} (${w.method})` : '')
  );
}

function timeToTargetLine(t: TimeToTarget): string {
  const runs = Object.entries(t.modes).map(([mode, m]) => `${mode} ${fmtTimeToTarget(m.median)}${mode === t.baseline ? '' : ` (speedup ${fmtRatio(m.speedup)})`}`);
  return `time to ${t.baseline}'s final best ${fmtNumber(t.target)}: ${runs.join(', ')}`;
}

function summaryLine(s: RunSummary): string {
  const score = s.score ? `median ${fmtNumber(s.score.median)} [${fmtNumber(s.score.q1)}, ${fmtNumber(s.score.q3)}]` : 'no scores';
  const best = s.best ? `best #${s.best.id} ${fmtNumber(s.best.score)}` : 'no best';
  const topk = Number.isFinite(s.topk.meanEpochRatio) ? `, top-${s.topk.pairs.length} scratch/checkpoint epochs ${fmtNumber(s.topk.meanEpochRatio, 2)}x` : '';
  return (
    `${s.label}: ${s.evaluations} candidates${s.failed > 0 ? ` (${s.failed} failed)` : ''}, ${score}, ${best}, wall ${fmtSeconds(s.wallSeconds)}, ` +
    `${s.repeats > 0 ? `${s.repeats} repeats (cached), ` : ''}hit rate ${fmtShare(s.transfer.hitRate)}${Object.keys(s.transfer.fromEarlierRuns).length > 0 ? ` (${Object.values(s.transfer.fromEarlierRuns).reduce((a, b) => a + b, 0)} from earlier searches)` : ''}, fetched ${fmtBytes(s.transfer.bytesFetched)} in ${fmtSeconds(s.transfer.fetchSeconds)}${topk}`
  );
}
