// report/charts.ts: the report's plots as Vega-Lite specifications, built from runs' records
// (and, for the paired measurement and the time to target, from what those modules derive).
// Declarative specs keep each plot a few lines of data and encoding; render.ts turns them into
// SVG and PNG. Knows the record types and the derived curves, not files or HTML.

import type { TopLevelSpec } from 'vega-lite';
import type { Run } from './journal.js';
import { hasScore } from './journal.js';
import { bestSoFar, transferHitRate } from './curves.js';
import type { PairedRow } from './paired.js';
import { actorKey } from './run-summary.js';
import { medianBestSoFar, type TimeToTarget } from './time-to-target.js';

export interface Chart {
  /** Stable id, used as the figure's element id and the PNG's name. */
  id: string;
  title: string;
  /** One sentence under the plot saying how to read it. */
  caption: string;
  spec: TopLevelSpec;
}

const kWidth = 560;
const kHeight = 260;
/** Fonts present on common Linux and macOS installs, then the generic family, so the same SVG
 *  reads alike in a browser and in the PNG rasteriser. */
const kFont = 'DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif';
const kSources = ['local', 'peer', 'spill', 'none'];

interface Base {
  $schema: string;
  width: number;
  height: number;
  background: string;
  config: NonNullable<TopLevelSpec['config']>;
}

function base(): Base {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: kWidth,
    height: kHeight,
    background: 'white',
    config: { font: kFont, axis: { labelFontSize: 11, titleFontSize: 12 }, legend: { labelFontSize: 11, titleFontSize: 12 } },
  };
}

/** Every scored evaluation as a point and the best score so far as a step line, per run. */
function scoreVs(runs: readonly Run[], x: 'seconds' | 'evaluation', id: string, title: string, xTitle: string): Chart {
  const points = runs.flatMap((run) => {
    let n = 0;
    return run.evaluations.map((r) => ({ run: run.label, evaluation: ++n, seconds: r.finishedAt, id: r.id, score: r.score })).filter(hasScore);
  });
  const best = runs.flatMap((run) => bestSoFar(run.evaluations).map((p) => ({ run: run.label, evaluation: p.evaluation, seconds: p.seconds, best: p.value })));
  const color = { field: 'run', type: 'nominal' as const, title: 'run', sort: runs.map((r) => r.label) };
  return {
    id,
    title,
    caption: 'Dots: each candidate’s validation score when its evaluation finished. Line: the best score so far.',
    spec: {
      ...base(),
      layer: [
        {
          data: { values: points },
          mark: { type: 'point', filled: true, size: 22, opacity: 0.45 },
          encoding: {
            x: { field: x, type: 'quantitative', title: xTitle },
            y: { field: 'score', type: 'quantitative', title: 'validation score', scale: { zero: false } },
            color,
            tooltip: [{ field: 'run' }, { field: 'id', title: 'candidate' }, { field: 'score', format: '.4f' }],
          },
        },
        {
          data: { values: best },
          mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2.2 },
          encoding: {
            x: { field: x, type: 'quantitative' },
            y: { field: 'best', type: 'quantitative' },
            color,
          },
        },
      ],
    },
  };
}

export function scoreVsTime(runs: readonly Run[]): Chart {
  return scoreVs(runs, 'seconds', 'score-vs-time', 'Score against wall time', 'seconds since the search started');
}

export function scoreVsEvaluation(runs: readonly Run[]): Chart {
  return scoreVs(runs, 'evaluation', 'score-vs-evaluation', 'Score against evaluations', 'evaluations finished');
}

export function scoreHistogram(runs: readonly Run[]): Chart {
  const values = runs.flatMap((run) => run.evaluations.filter(hasScore).map((r) => ({ run: run.label, score: r.score })));
  return {
    id: 'score-histogram',
    title: 'Score distribution',
    caption: 'How many candidates reached each validation score; runs overlaid.',
    spec: {
      ...base(),
      data: { values },
      mark: { type: 'bar', opacity: 0.6, binSpacing: 1 },
      encoding: {
        x: { field: 'score', type: 'quantitative', bin: { maxbins: 24 }, title: 'validation score' },
        y: { aggregate: 'count', type: 'quantitative', stack: null, title: 'candidates' },
        color: { field: 'run', type: 'nominal', sort: runs.map((r) => r.label) },
      },
    },
  };
}

export function transferHitRateChart(runs: readonly Run[]): Chart {
  const values = runs.flatMap((run) => transferHitRate(run.evaluations).map((p) => ({ run: run.label, evaluation: p.evaluation, rate: p.value })));
  return {
    id: 'transfer-hit-rate',
    title: 'Transfer hit rate',
    caption: 'Share of the candidates finished so far that started from transferred layers.',
    spec: {
      ...base(),
      data: { values },
      mark: { type: 'line', strokeWidth: 2 },
      encoding: {
        x: { field: 'evaluation', type: 'quantitative', title: 'evaluations finished' },
        y: { field: 'rate', type: 'quantitative', title: 'hit rate', scale: { domain: [0, 1] }, axis: { format: '%' } },
        color: { field: 'run', type: 'nominal', sort: runs.map((r) => r.label) },
      },
    },
  };
}

/** Where each run's transferred layers came from, in bins of wall time. */
export function fetchSources(run: Run): Chart {
  const values = run.evaluations.map((r) => ({ seconds: r.finishedAt, source: r.transfer.source, bytes: r.transfer.bytesFetched }));
  return {
    id: `fetch-sources-${slug(run.label)}`,
    title: `Fetch sources over time: ${run.label}`,
    caption: 'Candidates finished per time bin, by where their donor layers came from (none: trained from scratch).',
    spec: {
      ...base(),
      height: 200,
      data: { values },
      mark: { type: 'bar', binSpacing: 1 },
      encoding: {
        x: { field: 'seconds', type: 'quantitative', bin: { maxbins: 24 }, title: 'seconds since the search started' },
        y: { aggregate: 'count', type: 'quantitative', title: 'candidates' },
        color: { field: 'source', type: 'nominal', title: 'source', scale: { domain: kSources, range: ['#4c78a8', '#f58518', '#e45756', '#bab0ac'] } },
      },
    },
  };
}

/** One row per actor, one bar per evaluation it ran, coloured by the candidate's score. */
export function actorTimeline(run: Run): Chart {
  const values = run.evaluations.map((r) => ({
    actor: actorKey(r),
    id: r.id,
    start: r.startedAt,
    end: r.finishedAt,
    score: hasScore(r) ? r.score : null,
    transferred: r.transfer.layersTransferred > 0 ? 'yes' : 'no',
  }));
  const actors = new Set(values.map((v) => v.actor)).size;
  return {
    id: `actor-timeline-${slug(run.label)}`,
    title: `Actor timeline: ${run.label}`,
    caption: 'Which actor trained which candidate, and when; colour: validation score, outline: started from transferred layers.',
    spec: {
      ...base(),
      height: Math.max(60, 22 * actors),
      data: { values },
      mark: { type: 'bar', height: 14, strokeWidth: 1.5 },
      encoding: {
        y: { field: 'actor', type: 'nominal', title: null },
        x: { field: 'start', type: 'quantitative', title: 'seconds since the search started' },
        x2: { field: 'end' },
        color: { field: 'score', type: 'quantitative', title: 'score', scale: { scheme: 'viridis', zero: false } },
        stroke: {
          field: 'transferred',
          type: 'nominal',
          title: 'transferred',
          scale: { domain: ['yes', 'no'], range: ['#111111', '#cccccc'] },
          legend: { symbolType: 'square', symbolFillColor: 'white', symbolStrokeWidth: 2 },
        },
        tooltip: [{ field: 'id', title: 'candidate' }, { field: 'score', format: '.4f' }],
      },
    },
  };
}

/** Validation score per epoch of each top-K model, from its checkpoint and from scratch. */
export function topkCurves(run: Run): Chart | undefined {
  const values = run.topk.flatMap((r) => r.curve.map((score, i) => ({ model: `#${r.id}`, start: r.start, epoch: i + 1, score })));
  if (values.length === 0) return undefined;
  return {
    id: `topk-curves-${slug(run.label)}`,
    title: `Top-K learning curves: ${run.label}`,
    caption: 'Validation score per epoch while fully training the best candidates: solid from their search checkpoint, dashed from scratch.',
    spec: {
      ...base(),
      data: { values },
      mark: { type: 'line', strokeWidth: 1.8 },
      encoding: {
        x: { field: 'epoch', type: 'quantitative', title: 'epoch', axis: { tickMinStep: 1 } },
        y: { field: 'score', type: 'quantitative', title: 'validation score', scale: { zero: false } },
        color: { field: 'model', type: 'nominal', title: 'candidate' },
        strokeDash: {
          field: 'start',
          type: 'nominal',
          title: 'start',
          scale: { domain: ['checkpoint', 'scratch'], range: [[1, 0], [5, 3]] },
          legend: { symbolType: 'stroke', symbolStrokeColor: '#333333', symbolStrokeWidth: 2 },
        },
      },
    },
  };
}

/** Each new architecture's gain over its scratch twin against the share of its parameters transferred. */
export function pairedGain(run: Run, rows: readonly PairedRow[]): Chart {
  const values = rows.filter((r) => !r.repeat && Number.isFinite(r.gain) && Number.isFinite(r.fraction)).map(({ id, gain, fraction }) => ({ id, gain, fraction }));
  return {
    id: `paired-gain-${slug(run.label)}`,
    title: `Gain over the scratch twin: ${run.label}`,
    caption:
      'One dot per candidate: its validation score minus that of the same architecture trained from scratch with the same seed, data and budget, ' +
      'against the share of its parameters loaded from the donor. Above the line, transfer helped. Repeats and candidates whose share is not recorded are left out.',
    spec: {
      ...base(),
      layer: [
        {
          data: { values: [{ gain: 0 }] },
          mark: { type: 'rule', color: '#888888', strokeDash: [4, 3] },
          encoding: { y: { field: 'gain', type: 'quantitative' } },
        },
        {
          data: { values },
          mark: { type: 'point', filled: true, size: 36, opacity: 0.7, color: '#4c78a8' },
          encoding: {
            x: { field: 'fraction', type: 'quantitative', title: 'parameters transferred', scale: { domain: [0, 1] }, axis: { format: '%' } },
            y: { field: 'gain', type: 'quantitative', title: 'score gain over the scratch twin' },
            tooltip: [{ field: 'id', title: 'candidate' }, { field: 'gain', format: '+.4f' }, { field: 'fraction', format: '.1%' }],
          },
        },
      ],
    },
  };
}

/**
 * Best score so far against wall time per mode (the median over its seeds), with the target as
 * a horizontal rule: where each line crosses the rule is that mode's time to target.
 */
export function timeToTargetChart(groups: Readonly<Record<string, readonly Run[]>>, result: TimeToTarget): Chart {
  const modes = Object.keys(groups);
  const finishes = (mode: string) => groups[mode]!.flatMap((run) => run.evaluations.map((r) => r.finishedAt));
  const grid = [...new Set(modes.flatMap(finishes))].sort((a, b) => a - b);
  // Each line stops where that mode's last run stopped rather than running on to the other's end.
  const lines = modes.flatMap((mode) => {
    const end = Math.max(...finishes(mode));
    return medianBestSoFar(groups[mode]!, grid.filter((t) => t <= end)).map((p) => ({ mode, seconds: p.seconds, best: p.value }));
  });
  const color = { field: 'mode', type: 'nominal' as const, title: 'run', sort: modes };
  return {
    id: 'time-to-target',
    title: 'Time to target',
    caption: `Best score so far against wall time; the dashed line is the target, ${result.baseline}'s final best. Where a line first meets it is that run's time to target.`,
    spec: {
      ...base(),
      layer: [
        {
          data: { values: lines },
          mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2.2 },
          encoding: {
            x: { field: 'seconds', type: 'quantitative', title: 'seconds since the search started' },
            y: { field: 'best', type: 'quantitative', title: 'best validation score so far', scale: { zero: false } },
            color,
          },
        },
        {
          data: { values: [{ target: result.target }] },
          mark: { type: 'rule', color: '#333333', strokeDash: [6, 4] },
          encoding: { y: { field: 'target', type: 'quantitative' } },
        },
      ],
    },
  };
}

function slug(label: string): string {
  return label.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'run';
}
