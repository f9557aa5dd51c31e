// runtime/start-rank.ts: starts the runtime on a rank's main thread: opens the transport (MPI
// under mpirun, local otherwise, or the one given), learns every rank's capacity in one
// allgather (checking that all speak the same protocol), and builds the rank's node. A process
// that is one rank (a local or MPI transport, not one rank of a loopback cluster in a shared
// process) restarts its actors on SIGUSR2 (restart-signal.ts).

import { InvalidArgumentError } from '../errors.js';
import { openTransport, type Transport } from '../transport/index.js';
import { setLogFile } from '../util/log.js';
import { decode, encode } from './codec.js';
import { ProtocolError } from './errors.js';
import { detectGpuInventory, probeNvidiaSmi } from './gpu.js';
import { RankNode } from './node.js';
import { restartActorsOnSignal } from './restart-signal.js';
import { defaultRankMemoryMB, type ResolvedInitOptions } from './options.js';
import { kProtocolVersion, type RankInfo } from './protocol.js';
import { Runtime } from './runtime.js';

export async function startRank(options: ResolvedInitOptions): Promise<{ runtime: Runtime; closed: Promise<void> }> {
  if (options.logFile) setLogFile(options.logFile);
  const transport = options.transport ?? (await openTransport());
  const node = new RankNode(transport, options, await gatherRanks(transport, options));
  if (transport.info.kind !== 'loopback') {
    const stopListening = restartActorsOnSignal(node.rank, () => node.restartActors());
    void node.closed.then(stopListening);
  }
  const runtime = new Runtime({
    rank: node.rank,
    size: node.size,
    driverRank: node.driverRank,
    isMainThread: true,
    control: node.mainControl,
    router: node.router,
    services: node.services,
    closed: node.closed,
  });
  return { runtime, closed: node.closed };
}

/** Every rank's capacity, by rank; every rank must run the same protocol version. */
async function gatherRanks(transport: Transport, options: ResolvedInitOptions): Promise<RankInfo[]> {
  if (options.driverRank >= transport.size) {
    throw new InvalidArgumentError(`driverRank must be below the job size ${transport.size} (got ${options.driverRank})`, { details: { option: 'driverRank' } });
  }
  const info = transport.info;
  const mine: RankInfo & { version: number } = {
    version: kProtocolVersion,
    rank: transport.rank,
    host: info.host,
    localRank: info.localRank,
    cpus: options.cpus,
    gpus: detectGpuInventory({ visibleDevices: process.env.CUDA_VISIBLE_DEVICES, nvidiaSmi: probeNvidiaSmi, override: options.gpus }),
    memoryMB: options.memoryMB ?? defaultRankMemoryMB(info.localSize),
  };
  const all = (await transport.allgather(encode(mine))).map((bytes) => decode<RankInfo & { version: number }>(bytes));
  return all.map(({ version, ...rank }) => {
    if (version !== kProtocolVersion) {
      throw new ProtocolError(`rank ${rank.rank} runs runtime protocol ${version}, this rank ${kProtocolVersion}: mixed graft versions`, {
        details: { rank: rank.rank, version },
      });
    }
    return rank;
  });
}
