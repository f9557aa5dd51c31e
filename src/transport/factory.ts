// transport/factory.ts: chooses the transport for this process, as mpi4py chooses its pool:
// MPI when an MPI launcher started it, one local rank otherwise. Started under mpirun without
// the addon is an error, never a silent run of many independent rank-0 jobs. A rank the launcher
// bound to a single core of several gets a warning: everything it runs would share that core.

import { availableParallelism, cpus } from 'node:os';
import { launchedByMpi, launcherTasks, launchMismatch } from './launcher.js';
import { LocalTransport } from './local.js';
import { MpiTransport } from './mpi.js';
import { MpiUnavailableError } from './errors.js';
import { loadNativeBinding } from './native-binding.js';
import type { Transport } from './transport.js';

export async function openTransport(): Promise<Transport> {
  if (!launchedByMpi()) {
    // srun without an MPI plugin sets no PMI variable: every task would run a whole job alone.
    const mismatch = launchMismatch(1);
    if (mismatch) throw new MpiUnavailableError(mismatch, { details: { tasks: launcherTasks() } });
    return new LocalTransport();
  }
  const binding = loadNativeBinding();
  if (!binding) {
    throw new MpiUnavailableError(
      'started by an MPI launcher, but the MPI addon is not built; install MPI (scripts/install-mpi.sh) and run `npm run build:native`',
    );
  }
  const transport = MpiTransport.open(binding);
  const mismatch = launchMismatch(transport.size);
  if (mismatch) {
    await transport.close().catch(() => undefined);
    throw new MpiUnavailableError(mismatch, { details: { tasks: launcherTasks(), size: transport.size } });
  }
  warnIfBoundToOneCore(transport.rank);
  return transport;
}

function warnIfBoundToOneCore(rank: number): void {
  const node = cpus().length;
  if (availableParallelism() > 1 || node <= 1) return;
  process.emitWarning(
    `rank ${rank} may run on 1 of this node's ${node} cores: its MPI thread, event loop and actors all share it. ` +
      'Give each rank its cores: `mpirun --bind-to none` on one machine (Open MPI binds 2 ranks to a core each by default), ' +
      'or `--map-by ppr:R:node:PE=C` on a cluster (see scripts/templates).',
    { code: 'GRAFT_ONE_CORE' },
  );
}
