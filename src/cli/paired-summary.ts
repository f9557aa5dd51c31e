// cli/paired-summary.ts: the paired measurement as the terminal shows it after `graft pairs`:
// per candidate its score, its scratch twin's and the gain; then the Wilcoxon signed-rank test,
// the median gain with its bootstrap interval, the share helped and the split by fraction of
// parameters transferred, new architectures and repeats apart.

import { fmtNumber, fmtP, fmtShare, fmtSigned, pairedRows, summarizePairs, type Run } from '../report/index.js';

export function printPairedSummary(run: Run, max?: number): void {
  const rows = pairedRows(run);
  const out = ['  id    transfer  scratch   gain      params transferred'];
  for (const r of rows.slice(0, max ?? rows.length)) {
    out.push(`  ${String(r.id).padEnd(5)} ${fmtNumber(r.transferred).padEnd(9)} ${fmtNumber(r.scratch).padEnd(9)} ${fmtSigned(r.gain).padEnd(9)} ${Number.isFinite(r.fraction) ? fmtShare(r.fraction) : '–'}`);
  }
  const s = summarizePairs(rows);
  out.push(
    `paired over ${s.n} new architectures (${s.repeats} repeats apart): median gain ${fmtSigned(s.medianGain.estimate)} ` +
      `(bootstrap 95% interval ${fmtSigned(s.medianGain.low)} to ${fmtSigned(s.medianGain.high)}), mean ${fmtSigned(s.meanGain.estimate)}, ` +
      `helped ${fmtShare(s.helpedShare)}; Wilcoxon signed-rank ${s.wilcoxon ? `p ${fmtP(s.wilcoxon.p)} (${s.wilcoxon.method})` : 'not run (no pairs)'}`,
  );
  for (const bin of s.byFraction) out.push(`  ${bin.label} of parameters transferred: n ${bin.n}, median gain ${fmtSigned(bin.medianGain)}, helped ${fmtShare(bin.helpedShare)}`);
  process.stdout.write(out.join('\n') + '\n');
}
