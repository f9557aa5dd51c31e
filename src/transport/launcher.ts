// transport/launcher.ts: tells whether this process was started by an MPI launcher (mpirun,
// mpiexec, srun with PMI/PMIx), from the variables those launchers set in every rank.

const kLauncherVariables = ['OMPI_COMM_WORLD_SIZE', 'PMI_SIZE', 'PMIX_RANK'];

export function launchedByMpi(env: NodeJS.ProcessEnv = process.env): boolean {
  return kLauncherVariables.some((name) => env[name] !== undefined);
}
