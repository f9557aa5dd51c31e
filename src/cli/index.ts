// cli/index.ts: what the command line offers to programs (tests, benchmarks).

export { runCli } from './run-cli.js';
export type { Command } from './command.js';
