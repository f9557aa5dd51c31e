// transport/factory.ts: chooses the transport for this process, as mpi4py chooses its pool:
// MPI when an MPI launcher started it, one local rank otherwise. Started under mpirun without
// the addon is an error, never a silent run of many independent rank-0 jobs.

import { launchedByMpi } from './launcher.js';
import { LocalTransport } from './local.js';
import { MpiTransport } from './mpi.js';
import { MpiUnavailableError } from './errors.js';
import { loadNativeBinding } from './native-binding.js';
import type { Transport } from './transport.js';

export async function openTransport(): Promise<Transport> {
  if (!launchedByMpi()) return new LocalTransport();
  const binding = loadNativeBinding();
  if (!binding) {
    throw new MpiUnavailableError(
      'started by an MPI launcher, but the MPI addon is not built; install MPI (scripts/install-mpi.sh) and run `npm run build:native`',
    );
  }
  return MpiTransport.open(binding);
}
