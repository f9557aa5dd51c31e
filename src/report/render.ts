// report/render.ts: turns a Vega-Lite spec into SVG text (vega's headless renderer, no browser
// or canvas) and SVG into PNG (resvg, a native rasteriser shipped prebuilt inside its npm
// package), so a cluster node without a browser still gets pictures. Knows nothing of runs.

import { createRequire } from 'node:module';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { RenderError } from './errors.js';

/** SVG markup of the chart, with its own width, height and white background. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  let view: vega.View | undefined;
  try {
    view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
    return await view.toSVG();
  } catch (cause) {
    throw new RenderError('could not render a chart to SVG', { cause });
  } finally {
    view?.finalize();
  }
}

export interface PngOptions {
  /** Pixels per SVG unit; 2 gives print-quality figures. Default 2. */
  scale?: number;
}

/** Rasterises SVG markup to PNG bytes, with system fonts for the text. */
export async function svgToPng(svg: string, options: PngOptions = {}): Promise<Buffer> {
  const scale = options.scale ?? 2;
  if (!(scale > 0 && scale <= 8)) throw new RenderError(`png scale must be in (0, 8], got ${scale}`, { details: { scale } });
  try {
    // Loaded on first use: a platform without resvg's prebuilt binary still gets the HTML.
    const { Resvg } = createRequire(import.meta.url)('@resvg/resvg-js') as typeof import('@resvg/resvg-js');
    const resvg = new Resvg(svg, { background: 'white', fitTo: { mode: 'zoom', value: scale }, font: { loadSystemFonts: true } });
    return Buffer.from(resvg.render().asPng());
  } catch (cause) {
    throw new RenderError('could not rasterise the chart to PNG', { cause });
  }
}
