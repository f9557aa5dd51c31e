// report/write-report.ts: builds a run directory's report: reads the journal(s), summarises
// (with the paired measurement when the run has scratch twins, and the time to target against a
// second run), draws the plots, and writes `DIR/report.html` (self-contained) and `DIR/report.png` (the
// score-against-time plot). Called by `graft report` and at the end of every `graft search`.

import { rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { InvalidArgumentError } from '../errors.js';
import { hasScore, readRun, type Run } from './journal.js';
import { compareRuns, summarizeRun, type RunComparison, type RunSummary } from './run-summary.js';
import { pairedRows, summarizePairs, type PairSummary } from './paired.js';
import { timeToTarget, type TimeToTarget } from './time-to-target.js';
import * as charts from './charts.js';
import { renderPage, type RenderedChart } from './html.js';
import { renderSvg, svgToPng } from './render.js';

export interface WriteReportOptions {
  /** A second run directory to overlay and compare against (e.g. the same search from scratch). */
  vs?: string;
  /** Names for the two runs in legends and tables; default: the directories' names. */
  label?: string;
  vsLabel?: string;
  /** Pixels per SVG unit in the PNG; default 2. */
  pngScale?: number;
}

export interface ReportFiles {
  /** Path of the HTML report written. */
  html: string;
  /** Path of the PNG of the main plot, or null when it could not be rasterised (see notes). */
  png: string | null;
  summary: RunSummary;
  vsSummary?: RunSummary;
  /** The run's candidates against their scratch twins, when its journal holds `pair` records. */
  pairs?: PairSummary;
  /** With `vs`: how soon each run reached the second run's final best (its target). */
  timeToTarget?: TimeToTarget;
  /** With `vs`: the whole-search score distributions compared (secondary: candidates are not independent). */
  comparison?: RunComparison;
  /** What a reader should know: a cut-short journal line, a missing PNG. */
  notes: string[];
}

export const kReportHtml = 'report.html';
export const kReportPng = 'report.png';
const kOptionKeys = new Set(['vs', 'label', 'vsLabel', 'pngScale']);

/**
 * Writes `dir/report.html` and `dir/report.png`. Rejects with the search's JournalError when a
 * journal is missing or malformed, InvalidArgumentError for bad options; a PNG that cannot be rasterised
 * leaves `png: null` and a note rather than failing the report.
 */
export async function writeReport(dir: string, options: WriteReportOptions = {}): Promise<ReportFiles> {
  checkOptions(dir, options);
  const [label, vsLabel] = labels(dir, options);
  const run = await readRun(dir, label);
  const vs = options.vs === undefined ? undefined : await readRun(options.vs, vsLabel);
  const runs = vs ? [run, vs] : [run];

  const notes: string[] = [];
  for (const r of runs) {
    if (r.truncatedTail) notes.push(`The last line of ${r.label}'s journal was cut short (an interrupted write) and is left out.`);
    if (r.evaluations.length === 0) notes.push(`${r.label}'s journal holds no evaluation yet.`);
  }

  const list = [
    charts.scoreVsTime(runs),
    charts.scoreVsEvaluation(runs),
    charts.scoreHistogram(runs),
    charts.transferHitRateChart(runs),
    ...runs.map(charts.fetchSources),
    ...runs.map(charts.actorTimeline),
    ...runs.flatMap((r) => charts.topkCurves(r) ?? []),
  ];
  const rendered: RenderedChart[] = [];
  for (const c of list) rendered.push(await renderChart(c));

  const out = resolve(dir);
  const pngPath = join(out, kReportPng);
  let png: string | null = pngPath;
  try {
    // The PNG stands alone (no caption beside it), so it carries its title.
    const main = list[0]!;
    const svg = await renderSvg({ ...main.spec, title: main.title });
    await writeAtomically(pngPath, await svgToPng(svg, { scale: options.pngScale ?? 2 }));
  } catch (err) {
    png = null;
    notes.push(`No PNG: ${(err as Error).message}${(err as Error).cause ? ` (${String((err as Error).cause)})` : ''}.`);
  }

  const summary = summarizeRun(run);
  const vsSummary = vs ? summarizeRun(vs) : undefined;
  const comparison = vs ? compareRuns(run, vs) : undefined;
  const paired = await pairedSection(run);
  const target = vs ? await timeToTargetSection(run, vs) : undefined;
  const html = renderPage({
    title: vs ? `graft report: ${run.label} against ${vs.label}` : `graft report: ${run.label}`,
    generatedAt: new Date().toISOString(),
    runs: vsSummary ? [summary, vsSummary] : [summary],
    ...(paired ? { paired } : {}),
    ...(target ? { timeToTarget: target } : {}),
    ...(comparison ? { comparison } : {}),
    charts: rendered,
    notes,
  });
  const htmlPath = join(out, kReportHtml);
  await writeAtomically(htmlPath, html);
  return {
    html: htmlPath,
    png,
    summary,
    ...(vsSummary ? { vsSummary } : {}),
    ...(paired ? { pairs: paired.summary } : {}),
    ...(target ? { timeToTarget: target.result } : {}),
    ...(comparison ? { comparison } : {}),
    notes,
  };
}

/** The run's candidates against their scratch twins and the plot of the gains; undefined without `pair` records. */
async function pairedSection(run: Run): Promise<{ label: string; summary: PairSummary; chart: RenderedChart } | undefined> {
  const rows = pairedRows(run);
  if (rows.length === 0) return undefined;
  return { label: run.label, summary: summarizePairs(rows), chart: await renderChart(charts.pairedGain(run, rows)) };
}

/** The time to `vs`'s final best and its plot; undefined when `vs` has no score to aim at. */
async function timeToTargetSection(run: Run, vs: Run): Promise<{ result: TimeToTarget; chart: RenderedChart } | undefined> {
  if (!vs.evaluations.some(hasScore)) return undefined;
  const groups = { [run.label]: [run], [vs.label]: [vs] };
  const result = timeToTarget(groups, vs.label);
  return { result, chart: await renderChart(charts.timeToTargetChart(groups, result)) };
}

async function renderChart(c: charts.Chart): Promise<RenderedChart> {
  return { id: c.id, title: c.title, caption: c.caption, svg: await renderSvg(c.spec) };
}

function checkOptions(dir: unknown, options: WriteReportOptions): void {
  if (typeof dir !== 'string' || dir === '') throw new InvalidArgumentError('writeReport: dir must be a non-empty path', { details: { option: 'dir' } });
  for (const key of Object.keys(options)) {
    if (!kOptionKeys.has(key)) {
      throw new InvalidArgumentError(`writeReport: unknown option '${key}' (known: ${[...kOptionKeys].join(', ')})`, { details: { option: key } });
    }
  }
  if (options.vs !== undefined && (typeof options.vs !== 'string' || options.vs === '')) {
    throw new InvalidArgumentError('writeReport: vs must be a non-empty path', { details: { option: 'vs' } });
  }
  for (const key of ['label', 'vsLabel'] as const) {
    const v = options[key];
    if (v !== undefined && (typeof v !== 'string' || v.trim() === '')) {
      throw new InvalidArgumentError(`writeReport: ${key} must be a non-empty string`, { details: { option: key } });
    }
  }
  const scale = options.pngScale;
  if (scale !== undefined && !(typeof scale === 'number' && scale > 0 && scale <= 8)) {
    throw new InvalidArgumentError('writeReport: pngScale must be a number in (0, 8]', { details: { option: 'pngScale', value: scale } });
  }
}

/** Directory names as labels; two runs with the same name get their parent's name too. */
function labels(dir: string, options: WriteReportOptions): [string, string] {
  const a = resolve(dir);
  const b = options.vs === undefined ? '' : resolve(options.vs);
  let la = options.label ?? basename(a);
  let lb = options.vsLabel ?? basename(b);
  if (options.vs !== undefined && la === lb) {
    if (options.label === undefined) la = `${basename(dirname(a))}/${basename(a)}`;
    if (options.vsLabel === undefined) lb = `${basename(dirname(b))}/${basename(b)}`;
    if (la === lb) lb = `${lb} (2)`;
  }
  return [la, lb];
}

/** Readers never see half a report: write beside, then rename over. */
async function writeAtomically(path: string, data: string | Buffer): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}

