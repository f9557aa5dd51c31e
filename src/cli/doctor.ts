// cli/doctor.ts: `graft doctor` prints one JSON line per rank describing where it runs.
// (Placeholder until the transport lands: reports the local process only.)

import type { Command } from './command.js';
import { hostname } from 'node:os';

export const doctorCommand: Command = {
  summary: 'print one JSON line per rank: rank, size, host, MPI library, thread level, tfjs backends',
  help: 'Usage: graft doctor\n',
  async run() {
    process.stdout.write(JSON.stringify({ rank: 0, size: 1, host: hostname(), node: process.version }) + '\n');
    return 0;
  },
};
