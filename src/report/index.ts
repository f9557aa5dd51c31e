// report/index.ts: what the report layer offers: reading a run's journal, statistics of scores,
// run summaries and comparisons, the paired measurement and time to target, and the HTML + PNG
// report.

export { writeReport, kReportHtml, kReportPng } from './write-report.js';
export type { WriteReportOptions, ReportFiles } from './write-report.js';
export { readRun } from './journal.js';
export type { Run } from './journal.js';
export { summarizeRun, summarizeTopK, compareRuns } from './run-summary.js';
export type { RunSummary, RunComparison, FailedCandidate, TopKSummary, TopKPair } from './run-summary.js';
export { bestSoFar, bestAt, transferHitRate } from './curves.js';
export type { CurvePoint } from './curves.js';
export { pairedRows, summarizePairs } from './paired.js';
export type { PairedRow, PairSummary, FractionBin } from './paired.js';
export { timeToTarget, runTimeToTarget, medianBestSoFar } from './time-to-target.js';
export type { TimeToTarget, ModeTimeToTarget, TimePoint } from './time-to-target.js';
export { mean, median, quantile, summarize, mannWhitneyU, vanElteren } from './statistics.js';
export type { Summary, Interval, MannWhitneyResult, MannWhitneyOptions, MannWhitneyMethod, StratifiedResult } from './statistics.js';
export { wilcoxonSignedRank } from './wilcoxon.js';
export type { WilcoxonResult, WilcoxonOptions, WilcoxonMethod, WilcoxonZeroMethod } from './wilcoxon.js';
export { bootstrapInterval } from './bootstrap.js';
export type { BootstrapOptions } from './bootstrap.js';
export { studentTCdf, studentTQuantile, meanDifferenceInterval } from './student-t.js';
export type { MeanDifferenceOptions } from './student-t.js';
export { normalCdf, normalSf, erfc } from './normal.js';
export { fmtBytes, fmtCount, fmtNumber, fmtP, fmtRatio, fmtSeconds, fmtShare, fmtSigned, fmtSignedInterval, fmtTimeToTarget } from './format.js';
export { StatisticsError, RenderError } from './errors.js';
