// cli/doctor.ts: `graft doctor` checks where each rank runs: one JSON line per rank with its
// rank, size, local rank, host, MPI library and thread level (or 'local'), Node version and
// the tfjs backends that load there. Rank 0 gathers the lines and prints them in rank order,
// so 64 ranks give 64 whole lines instead of interleaved output.

import { availableParallelism } from 'node:os';
import type { Command } from './command.js';
import { InvalidArgumentError } from '../errors.js';
import { openTransport } from '../transport/index.js';

export const doctorCommand: Command = {
  summary: 'print one JSON line per rank: rank, size, host, MPI library, thread level, tfjs backends',
  help: [
    'Usage: graft doctor',
    '',
    'Prints one JSON line per rank (rank 0 prints them all, in rank order). Run it alone or under',
    'mpirun, e.g. mpirun -n 4 node dist/main.js doctor.',
  ].join('\n'),
  async run(argv) {
    if (argv.length > 0) {
      throw new InvalidArgumentError(`doctor takes no arguments, got '${argv[0]}'`, { details: { argument: argv[0] } });
    }
    const transport = await openTransport();
    try {
      const { info } = transport;
      const line = JSON.stringify({
        rank: info.rank,
        size: info.size,
        localRank: info.localRank,
        localSize: info.localSize,
        host: info.host,
        transport: info.kind,
        mpi: info.library,
        threadLevel: info.threadLevel,
        directReadRanks: info.directReadRanks,
        progressCore: info.progressCore,
        cores: availableParallelism(),
        node: process.version,
        backends: await loadableBackends(),
      });
      const lines = await transport.allgather(new TextEncoder().encode(line));
      if (info.rank === 0) {
        const decoder = new TextDecoder();
        process.stdout.write(lines.map((bytes) => decoder.decode(bytes) + '\n').join(''));
      }
    } finally {
      await transport.close();
    }
    return 0;
  },
};

/** The tfjs backends that load here; a broken training layer shows as an error, not a crash. */
async function loadableBackends(): Promise<string[] | { error: string }> {
  try {
    const { probeBackends } = await import('../train/index.js');
    return await probeBackends();
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}
