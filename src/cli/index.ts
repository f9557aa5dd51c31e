// cli/index.ts: what the command line offers to programs (tests, benchmarks).

export { runCli } from './run-cli.js';
export type { Command } from './command.js';
export { resolveSearchConfig, kSearchOptionSpecs, searchHelp, type ResolvedSearchConfig } from '../config/search-config.js';
export { kSearchDefaults } from '../nas/run/index.js';
export { resolveTopKConfig, topkHelp } from '../config/topk-config.js';
export { parseFlags, parseConfigObject, type OptionSpec, type OptionType } from '../config/options.js';
export { parseDuration } from '../util/duration.js';
export { didYouMean } from '../util/did-you-mean.js';
export { formatProgress, formatDuration, ProgressLine } from './progress-line.js';
