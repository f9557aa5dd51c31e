// cli/commands.ts: the table of subcommands, each loaded lazily from its own module.

import type { Command } from './command.js';

export const commands: Record<string, () => Promise<Command>> = {
  doctor: async () => (await import('./doctor.js')).doctorCommand,
};
