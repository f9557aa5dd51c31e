// report/errors.ts: the errors the report layer throws on purpose, each with a stable code.

import { GraftError } from '../errors.js';

/** A statistic asked of data it is not defined for (an empty sample, a quantile outside 0–1). */
export class StatisticsError extends GraftError {
  override readonly code: string = 'ERR_REPORT_STATISTICS';
}

/** A chart that the renderer could not turn into SVG or PNG. */
export class RenderError extends GraftError {
  override readonly code: string = 'ERR_REPORT_RENDER';
}
