// cluster/gpu-affinity.ts: which GPU(s) one rank may use, from its local rank and what the
// scheduler granted, read from environment variables only. Pure functions of an env object, so
// every scheduler's case can be tested with an invented environment. The result only ever
// narrows the grant: a rank never sees a GPU the scheduler did not give, and no two ranks of a
// node get the same one. Knows nothing of MPI or tfjs; the runtime reads the resulting
// CUDA_VISIBLE_DEVICES.

import { GpuAffinityError } from './errors.js';
import type { Launcher } from './job-spec.js';

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * The variables that hold a process's rank on its node, per launcher. They are set per process
 * before it starts (srun, OpenMPI's mpirun, PALS mpiexec, jsrun, MPICH's hydra).
 */
const kLocalRankVars: Record<Launcher, readonly string[]> = {
  srun: ['SLURM_LOCALID'],
  mpirun: ['OMPI_COMM_WORLD_LOCAL_RANK', 'MPI_LOCALRANKID'],
  mpiexec: ['PALS_LOCAL_RANKID', 'MPI_LOCALRANKID', 'OMPI_COMM_WORLD_LOCAL_RANK'],
  jsrun: ['JSM_NAMESPACE_LOCAL_RANK', 'OMPI_COMM_WORLD_LOCAL_RANK'],
};

// Without a launcher named in GRAFT_LAUNCHER, SLURM_LOCALID comes last: a Slurm batch script
// has it set to 0, and processes started from the script by mpirun inherit that stale 0.
const kLocalRankProbeOrder = [
  'JSM_NAMESPACE_LOCAL_RANK',
  'PALS_LOCAL_RANKID',
  'OMPI_COMM_WORLD_LOCAL_RANK',
  'MPI_LOCALRANKID',
  'SLURM_LOCALID',
] as const;

// Torque and SGE write this instead of an empty list when a job holds no GPU.
const kNoDevices = 'NoDevFiles';

/** Where a rank's GPU grant was read from; reported with errors. */
export type GrantSource = 'CUDA_VISIBLE_DEVICES' | 'SLURM_STEP_GPUS' | 'SLURM_JOB_GPUS' | 'GRAFT_GPUS_PER_NODE';

export interface GpuGrant {
  ids: string[];
  source: GrantSource;
}

/** The process's rank among the ranks on its node, or undefined when no launcher said. */
export function localRankOf(env: Env): number | undefined {
  const launcher = env.GRAFT_LAUNCHER;
  const names: readonly string[] =
    launcher !== undefined && launcher in kLocalRankVars
      ? kLocalRankVars[launcher as Launcher]
      : kLocalRankProbeOrder;
  for (const name of names) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    if (!/^\d+$/.test(value)) {
      throw new GpuAffinityError(`${name}='${value}' is not a local rank`, { details: { variable: name, value } });
    }
    return Number(value);
  }
  return undefined;
}

/**
 * The GPUs the scheduler granted this process, as CUDA will number them. CUDA_VISIBLE_DEVICES
 * wins when set (Slurm with device cgroups renumbers from 0 and says so there, jsrun sets it
 * per resource set); Slurm's own lists come next; last, a job that requested GPUs but got no
 * variable (PBS on Polaris) sees the whole node's GPUs, 0 to GRAFT_GPUS_PER_NODE − 1.
 */
export function grantedGpus(env: Env): GpuGrant | undefined {
  const cuda = env.CUDA_VISIBLE_DEVICES;
  if (cuda !== undefined) return { ids: splitIds(cuda), source: 'CUDA_VISIBLE_DEVICES' };
  for (const source of ['SLURM_STEP_GPUS', 'SLURM_JOB_GPUS'] as const) {
    const value = env[source];
    if (value !== undefined && value !== '') return { ids: splitIds(value), source };
  }
  const perNode = env.GRAFT_GPUS_PER_NODE;
  if (perNode !== undefined && perNode !== '') {
    const count = parseCount('GRAFT_GPUS_PER_NODE', perNode);
    return { ids: Array.from({ length: count }, (_, i) => String(i)), source: 'GRAFT_GPUS_PER_NODE' };
  }
  return undefined;
}

/**
 * The GPU ids this rank should see (the value for its CUDA_VISIBLE_DEVICES), or undefined when
 * the environment says nothing about GPUs and should be left alone. An empty list means a
 * CPU-only rank. GRAFT_GPUS_PER_RANK (default 1) says how many GPUs each rank takes:
 * - a grant of exactly that many was already narrowed to this rank (jsrun, srun --gpus-per-task);
 * - a larger grant is the node's, shared out in blocks by local rank;
 * - a smaller grant, or a local rank past the end of the grant, is an error, never a guess.
 */
export function gpusForRank(env: Env): string[] | undefined {
  const perRankText = env.GRAFT_GPUS_PER_RANK;
  const perRank = perRankText === undefined || perRankText === '' ? 1 : parseCount('GRAFT_GPUS_PER_RANK', perRankText);
  if (perRank === 0) return [];
  const grant = grantedGpus(env);
  if (grant === undefined) return undefined;
  if (grant.ids.length === perRank) return grant.ids;
  if (grant.ids.length < perRank) {
    throw new GpuAffinityError(
      `each rank needs ${perRank} GPU(s) but ${grant.source} grants ${grant.ids.length} (${grant.ids.join(',') || 'none'})`,
      { details: { perRank, granted: grant.ids, source: grant.source } },
    );
  }
  const localRank = localRankOf(env);
  if (localRank === undefined) {
    throw new GpuAffinityError(
      `${grant.source} grants ${grant.ids.length} GPUs to the node but no launcher variable gives this rank's local rank`,
      { details: { perRank, granted: grant.ids, source: grant.source } },
    );
  }
  const start = localRank * perRank;
  if (start + perRank > grant.ids.length) {
    throw new GpuAffinityError(
      `local rank ${localRank} needs GPUs ${start}–${start + perRank - 1} of the ${grant.ids.length} that ${grant.source} grants: more ranks per node than GPU blocks`,
      { details: { localRank, perRank, granted: grant.ids, source: grant.source } },
    );
  }
  return grant.ids.slice(start, start + perRank);
}

/** The variables a rank's launcher wrapper exports before starting graft. */
export function rankEnvironment(env: Env): Record<string, string> {
  const out: Record<string, string> = {};
  const localRank = localRankOf(env);
  if (localRank !== undefined) out.GRAFT_LOCAL_RANK = String(localRank);
  const gpus = gpusForRank(env);
  if (gpus !== undefined) out.CUDA_VISIBLE_DEVICES = gpus.join(',');
  return out;
}

/** Ids as CUDA reads them: it stops at the first empty or invalid entry (NoDevFiles, -1). */
function splitIds(list: string): string[] {
  const ids: string[] = [];
  for (const raw of list.split(',')) {
    const id = raw.trim();
    if (id === '' || id === kNoDevices || /^-\d+$/.test(id)) break;
    ids.push(id);
  }
  return ids;
}

function parseCount(name: string, value: string): number {
  if (!/^\d+$/.test(value)) {
    throw new GpuAffinityError(`${name}='${value}' is not a whole number`, { details: { variable: name, value } });
  }
  return Number(value);
}
