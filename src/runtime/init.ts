// runtime/init.ts: init(), the entry to the runtime in every thread. On a main thread it opens
// the transport (MPI under mpirun, local otherwise, or the one given), learns every rank's
// capacity in one allgather, and starts this rank's node; every rank of the job must call it.
// In an actor's thread it returns that actor's runtime.

import { isMainThread } from 'node:worker_threads';
import { InvalidArgumentError } from '../errors.js';
import { openTransport, type Transport } from '../transport/index.js';
import { setLogFile } from '../util/log.js';
import { decode, encode } from './codec.js';
import { getThreadRuntime, setThreadRuntime } from './context.js';
import { ProtocolError } from './errors.js';
import { detectGpuInventory, probeNvidiaSmi } from './gpu.js';
import { RankNode } from './node.js';
import { defaultRankMemoryMB, resolveInitOptions, type InitOptions, type ResolvedInitOptions } from './options.js';
import { kProtocolVersion, type RankInfo } from './protocol.js';
import { Runtime } from './runtime.js';

export async function init(options: InitOptions = {}): Promise<Runtime> {
  if (!isMainThread) {
    const runtime = getThreadRuntime();
    if (!runtime) throw new InvalidArgumentError('init() in a worker thread that graft did not start; call it in the main thread');
    return runtime;
  }
  const resolved = resolveInitOptions(options);
  const existing = getThreadRuntime();
  if (existing && !resolved.transport) return existing;
  if (resolved.logFile) setLogFile(resolved.logFile);
  const transport = resolved.transport ?? (await openTransport());
  const node = new RankNode(transport, resolved, await gatherRanks(transport, resolved));
  const runtime = new Runtime({
    rank: node.rank,
    size: node.size,
    driverRank: node.driverRank,
    isMainThread: true,
    control: node.mainControl,
    router: node.router,
    closed: node.closed,
  });
  if (!resolved.transport) {
    setThreadRuntime(runtime);
    void node.closed.then(() => {
      if (getThreadRuntime() === runtime) setThreadRuntime(undefined);
    });
  }
  return runtime;
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
