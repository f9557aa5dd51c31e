// report/html.ts: assembles the self-contained report page: summary tables, the paired
// measurement, the time to target and the comparison of two runs, the top-K table and the
// plots as inline SVG. Everything the page shows is in the file; it loads nothing, so it opens
// the same on a laptop and on a login node without network.

import type { FailedCandidate, RunComparison, RunSummary, TopKSummary } from './run-summary.js';
import type { PairSummary } from './paired.js';
import type { TimeToTarget } from './time-to-target.js';
import { fmtBytes, fmtCount, fmtNumber, fmtPClause, fmtRatio, fmtSeconds, fmtShare, fmtSigned, fmtSignedInterval, fmtTimeToTarget } from './format.js';

export interface RenderedChart {
  id: string;
  title: string;
  caption: string;
  svg: string;
}

export interface ReportPage {
  title: string;
  /** When the page was made, ISO 8601. */
  generatedAt: string;
  runs: RunSummary[];
  /** The first run's candidates against their scratch twins, when its journal holds `pair` records. */
  paired?: { label: string; summary: PairSummary; chart: RenderedChart };
  /** How soon each run reached the second run's final best, when there are two. */
  timeToTarget?: { result: TimeToTarget; chart: RenderedChart };
  /** The first run's scores against the second's, when there are two. */
  comparison?: RunComparison;
  charts: RenderedChart[];
  /** Notes about the input a reader should know (a cut-short journal line, a missing PNG). */
  notes: string[];
}

export function renderPage(page: ReportPage): string {
  const parts = [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(page.title)}</title>`,
    `<style>${kStyle}</style>`,
    '</head><body>',
    `<h1>${esc(page.title)}</h1>`,
    `<p class="meta">Made by graft on ${esc(page.generatedAt)} from ${page.runs.map((r) => `<code>${esc(r.label)}</code>`).join(' and ')}.</p>`,
    ...page.notes.map((n) => `<p class="note">${esc(n)}</p>`),
    '<h2>Summary</h2>',
    summaryTable(page.runs),
    page.paired ? pairedBlock(page.paired.label, page.paired.summary, page.paired.chart) : '',
    page.timeToTarget ? timeToTargetBlock(page.timeToTarget.result, page.timeToTarget.chart) : '',
    page.comparison ? comparisonBlock(page.comparison) : '',
    ...page.runs.filter((r) => r.failures.length > 0).map((r) => failureTable(r.label, r.failures)),
    ...page.runs.filter((r) => r.topk.pairs.length > 0).map((r) => topkTable(r.label, r.topk)),
    '<h2>Plots</h2>',
    ...page.charts.map(figure),
    `<script>${kTooltips}</script>`,
    '</body></html>',
    '',
  ];
  return parts.filter((p) => p !== '').join('\n');
}

function summaryTable(runs: readonly RunSummary[]): string {
  const row = (name: string, cell: (r: RunSummary) => string) =>
    `<tr><th scope="row">${esc(name)}</th>${runs.map((r) => `<td>${esc(cell(r))}</td>`).join('')}</tr>`;
  const rows = [
    row('evaluations', (r) => `${r.evaluations}${r.failed > 0 ? ` (${r.failed} without a score)` : ''}`),
    row('failed candidates', (r) => `${r.failures.length}${r.failures.length > 0 ? ` (failed on every try: ${r.failures.map((f) => `#${f.id}`).join(', ')})` : ''}`),
    row('score mean ± sd', (r) => (r.score ? `${fmtNumber(r.score.mean)} ± ${fmtNumber(r.score.sd)}` : '–')),
    row('score median [q1, q3]', (r) => (r.score ? `${fmtNumber(r.score.median)} [${fmtNumber(r.score.q1)}, ${fmtNumber(r.score.q3)}]` : '–')),
    row('score min – max', (r) => (r.score ? `${fmtNumber(r.score.min)} – ${fmtNumber(r.score.max)}` : '–')),
    row('best candidate', (r) => (r.best ? `#${r.best.id}: ${fmtNumber(r.best.score)} [${r.best.choices.join(', ')}]` : '–')),
    row('wall time', (r) => fmtSeconds(r.wallSeconds)),
    row('training time (sum)', (r) => fmtSeconds(r.trainSeconds)),
    row('evaluation time (sum)', (r) => fmtSeconds(r.evaluationSeconds)),
    row('actors', (r) => String(r.actors)),
    row('repeats (cached results, not trained)', (r) => String(r.repeats)),
    row('transfer rule', (r) => r.transfer.rules.join(', ') || '–'),
    row('transfer hit rate (new architectures)', (r) => fmtShare(r.transfer.hitRate)),
    row('parameters transferred (mean, when any)', (r) => (Number.isFinite(r.transfer.meanFraction) ? fmtShare(r.transfer.meanFraction) : '–')),
    row('donors from earlier searches', (r) => Object.entries(r.transfer.fromEarlierRuns).map(([dir, n]) => `${n} candidates from ${dir}`).join('; ') || '–'),
    row('layers transferred', (r) => String(r.transfer.layersTransferred)),
    row('bytes fetched', (r) => fmtBytes(r.transfer.bytesFetched)),
    row('time fetching', (r) => `${fmtSeconds(r.transfer.fetchSeconds)} (${fmtShare(r.transfer.fetchShare)} of evaluation time)`),
    row('fetch sources', (r) => Object.entries(r.transfer.sources).map(([s, n]) => `${s} ${n}`).join(', ')),
  ];
  const head = `<tr><th></th>${runs.map((r) => `<th scope="col">${esc(r.label)}</th>`).join('')}</tr>`;
  return `<table class="summary"><thead>${head}</thead><tbody>${rows.join('')}</tbody></table>`;
}

function pairedBlock(label: string, s: PairSummary, chart: RenderedChart): string {
  const w = s.wilcoxon;
  const counts = [
    fmtCount(s.n, 'new architecture'),
    ...(s.repeats > 0 ? [`${fmtCount(s.repeats, 'repeat')} of earlier ones, counted apart`] : []),
    ...(s.unscored > 0 ? [`${fmtCount(s.unscored, 'pair')} without a score on one side`] : []),
  ];
  const bins = s.byFraction.map(
    (b) => `<tr><td>${esc(b.label)}</td><td>${b.n}</td><td>${esc(fmtSigned(b.medianGain))}</td><td>${esc(fmtShare(b.helpedShare))}</td></tr>`,
  );
  return [
    '<h2>Paired measurement: transfer against the same architecture from scratch</h2>',
    `<p>Each candidate of <code>${esc(label)}</code> that loaded donor layers was trained once more from its own initialisation, with the same seed, data, batch order and budget: its scratch twin. ` +
      'The gain is the candidate’s validation score minus its twin’s, so architecture, seed and budget cancel out of it. ' +
      'A repeat of an earlier architecture is a cached result, not a training, and is counted apart.</p>',
    '<table class="paired"><tbody>',
    `<tr><th scope="row">pairs</th><td>${esc(counts.join('; '))}</td></tr>`,
    `<tr><th scope="row">median gain [${fmtLevel(s.medianGain.level)} bootstrap interval]</th><td>${esc(fmtSignedInterval(s.medianGain))}</td></tr>`,
    `<tr><th scope="row">mean gain [${fmtLevel(s.meanGain.level)} t interval]</th><td>${esc(fmtSignedInterval(s.meanGain))}</td></tr>`,
    `<tr><th scope="row">transfer helped / hurt</th><td>${esc(fmtShare(s.helpedShare))} / ${esc(fmtShare(s.hurtShare))}</td></tr>`,
    `<tr><th scope="row">Wilcoxon signed-rank test of the gains</th><td>${
      w ? `W = ${esc(fmtNumber(w.statistic, 1))} over ${w.n} non-zero gains (two-sided ${esc(fmtPClause(w.p))}, ${w.method}${w.z === undefined ? '' : `, z = ${esc(fmtNumber(w.z, 3))}`})` : '–'
    }</td></tr>`,
    '</tbody></table>',
    bins.length > 0
      ? '<table class="by-fraction"><thead><tr><th>parameters transferred</th><th>pairs</th><th>median gain</th><th>helped</th></tr></thead><tbody>' + bins.join('') + '</tbody></table>'
      : '',
    figure(chart),
  ].join('');
}

function timeToTargetBlock(t: TimeToTarget, chart: RenderedChart): string {
  const rows = Object.entries(t.modes).map(
    ([mode, m]) => `<tr><td>${esc(mode)}</td><td>${esc(fmtTimeToTarget(m.median))}</td><td>${mode === t.baseline ? '1x (baseline)' : esc(fmtRatio(m.speedup))}</td></tr>`,
  );
  return [
    `<h2>Time to target: ${esc(t.baseline)}’s final best</h2>`,
    `<p>Target: the best score <code>${esc(t.baseline)}</code> reached, ${esc(fmtNumber(t.target))}. ` +
      'A run’s time to target is when its best score so far first reached it; the speedup is the baseline’s time over the run’s.</p>',
    '<table class="time-to-target"><thead><tr><th>run</th><th>time to target</th><th>speedup</th></tr></thead><tbody>',
    rows.join(''),
    '</tbody></table>',
    figure(chart),
  ].join('');
}

function comparisonBlock(c: RunComparison): string {
  const t = c.test;
  return [
    `<h2>Secondary: whole-search scores, ${esc(c.label)} against ${esc(c.baseline)}</h2>`,
    '<p class="caveat">This test treats every candidate of each search as an independent draw from one distribution of scores. ' +
      'They are not: children share their parents’ layers and much of their score, and both searches start from the same initial population, ' +
      'so the p-value overstates the evidence. Read it beside the time to target and, where the run has scratch twins, the paired measurement.</p>',
    '<table class="comparison"><tbody>',
    `<tr><th scope="row">mean score gain</th><td>${esc(fmtSigned(c.meanGain))}</td></tr>`,
    `<tr><th scope="row">median score gain</th><td>${esc(fmtSigned(c.medianGain))}</td></tr>`,
    `<tr><th scope="row">Mann–Whitney U</th><td>${esc(fmtNumber(t.u, 1))} (two-sided ${esc(fmtPClause(t.p))}, ${t.method}${t.z === undefined ? '' : `, z = ${esc(fmtNumber(t.z, 3))}`})</td></tr>`,
    `<tr><th scope="row">P(${esc(c.label)} beats ${esc(c.baseline)})</th><td>${esc(fmtShare(t.effect))}</td></tr>`,
    '</tbody></table>',
  ].join('');
}

function failureTable(label: string, failures: readonly FailedCandidate[]): string {
  const rows = failures.map(
    (f) =>
      `<tr><td>#${esc(String(f.id))}</td><td>[${esc(f.choices.join(', '))}]</td><td>${esc(String(f.attempts))}</td><td><code>${esc(f.error.code)}</code></td>` +
      `<td>${esc(f.error.name)}: ${esc(f.error.message)}</td></tr>`,
  );
  return [
    `<h2>Failed candidates: ${esc(label)}</h2>`,
    '<table class="failures"><thead><tr><th>candidate</th><th>choices</th><th>tries</th><th>code</th><th>last error</th></tr></thead><tbody>',
    rows.join(''),
    '</tbody></table>',
  ].join('');
}

function topkTable(label: string, topk: TopKSummary): string {
  const rows = topk.pairs.map(
    (p) =>
      `<tr><td>#${p.id}</td><td>${p.checkpoint.epochs}</td><td>${esc(fmtSeconds(p.checkpoint.seconds))}</td><td>${esc(fmtNumber(p.checkpoint.testScore))}</td>` +
      `<td>${p.scratch.epochs}</td><td>${esc(fmtSeconds(p.scratch.seconds))}</td><td>${esc(fmtNumber(p.scratch.testScore))}</td>` +
      `<td>${esc(fmtNumber(p.epochRatio, 2))}</td><td>${esc(fmtNumber(p.timeRatio, 2))}</td></tr>`,
  );
  return [
    `<h2>Top-K full training: ${esc(label)}</h2>`,
    '<table class="topk"><thead><tr><th rowspan="2">candidate</th><th colspan="3">from checkpoint</th><th colspan="3">from scratch</th><th colspan="2">scratch / checkpoint</th></tr>',
    '<tr><th>epochs</th><th>time</th><th>test score</th><th>epochs</th><th>time</th><th>test score</th><th>epochs</th><th>time</th></tr></thead><tbody>',
    rows.join(''),
    `</tbody><tfoot><tr><th colspan="7" scope="row">mean ratio</th><td>${esc(fmtNumber(topk.meanEpochRatio, 2))}</td><td>${esc(fmtNumber(topk.meanTimeRatio, 2))}</td></tr></tfoot></table>`,
  ].join('');
}

/** A confidence level as "95%" (up to three decimals, never "95.00000000000001%"). */
function fmtLevel(level: number): string {
  return `${Number((level * 100).toFixed(3))}%`;
}

function figure(c: RenderedChart): string {
  return `<figure class="chart" id="${esc(c.id)}"><figcaption><strong>${esc(c.title)}</strong>. ${esc(c.caption)}</figcaption>${c.svg}</figure>`;
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

// Vega labels each data mark with its fields (aria-label); a <title> child turns that into the
// browser's own hover tooltip, with no charting code in the page.
const kTooltips = `
for (const el of document.querySelectorAll('.role-mark [aria-label]')) {
  const title = document.createElementNS('http://www.w3.org/2000/svg', 'title');
  title.textContent = el.getAttribute('aria-label');
  el.appendChild(title);
}
`;

const kStyle = `
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, Helvetica, sans-serif; margin: 2em auto; max-width: 1100px; color: #222; padding: 0 1em; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 1.6em; }
.meta { color: #666; } .caveat { color: #555; font-size: .92em; } .note { background: #fff4d6; padding: .4em .6em; border-left: 3px solid #e0a800; }
table { border-collapse: collapse; margin: .5em 0; font-size: .92em; }
th, td { border: 1px solid #ddd; padding: .25em .6em; text-align: left; vertical-align: top; }
thead th { background: #f3f3f3; } tbody th { font-weight: normal; color: #555; }
figure.chart { margin: 1.5em 0; } figure.chart svg { max-width: 100%; height: auto; }
figcaption { margin-bottom: .4em; color: #444; }
`;
