// transport/launcher.ts: tells whether this process was started by an MPI launcher (mpirun,
// mpiexec, srun with PMI/PMIx), and its rank, from the variables those launchers set in every
// rank, before (and without) starting MPI.

const kLauncherVariables = ['OMPI_COMM_WORLD_SIZE', 'PMI_SIZE', 'PMIX_RANK'];

export function launchedByMpi(env: NodeJS.ProcessEnv = process.env): boolean {
  return kLauncherVariables.some((name) => env[name] !== undefined);
}

const kRankVariables = ['OMPI_COMM_WORLD_RANK', 'PMI_RANK', 'PMIX_RANK', 'SLURM_PROCID'];

/** This process's rank as its launcher numbered it, or undefined when no launcher started it. */
export function launcherRank(env: NodeJS.ProcessEnv = process.env): number | undefined {
  if (!launchedByMpi(env)) return undefined;
  for (const name of kRankVariables) {
    const rank = Number(env[name]);
    if (env[name] !== undefined && Number.isInteger(rank)) return rank;
  }
  return undefined;
}
