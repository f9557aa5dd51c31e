// cli/commands.ts: the table of subcommands, each loaded lazily from its own module.

import type { Command } from './command.js';

export const commands: Record<string, () => Promise<Command>> = {
  search: async () => (await import('./search.js')).searchCommand,
  topk: async () => (await import('./topk.js')).topkCommand,
  pairs: async () => (await import('./pairs.js')).pairsCommand,
  doctor: async () => (await import('./doctor.js')).doctorCommand,
  submit: async () => (await import('./submit.js')).submitCommand,
  report: async () => (await import('./report.js')).reportCommand,
};
