// transport/launcher.ts: tells whether this process was started by an MPI launcher (mpirun,
// mpiexec, srun with PMI/PMIx), its rank, and how many tasks the launcher started, from the
// variables those launchers set in every rank, before (and without) starting MPI; and refuses
// a start where the launcher started several tasks that MPI did not join into one job (srun
// without an MPI plugin starts N processes that each take themselves for a one-rank job).

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

/** Variables that carry the number of tasks a launcher started (srun sets the first in every task of a step). */
const kTaskCountVariables = ['SLURM_STEP_NUM_TASKS', 'OMPI_COMM_WORLD_SIZE', 'PMI_SIZE', 'PALS_NRANKS'];

/** How many tasks the launcher says it started together with this one, or undefined when none says. */
export function launcherTasks(env: NodeJS.ProcessEnv = process.env): number | undefined {
  for (const name of kTaskCountVariables) {
    const n = Number(env[name]);
    if (env[name] !== undefined && Number.isInteger(n) && n > 0) return n;
  }
  return undefined;
}

/**
 * A message naming the fix when a launcher started several tasks but MPI sees `mpiSize` ranks
 * (1: every task alone), or null when they agree.
 */
export function launchMismatch(mpiSize: number, env: NodeJS.ProcessEnv = process.env): string | null {
  const tasks = launcherTasks(env);
  if (tasks === undefined || tasks <= 1 || mpiSize === tasks) return null;
  const task = env.SLURM_PROCID ?? env.PMI_RANK ?? env.OMPI_COMM_WORLD_RANK ?? '?';
  const srun = env.SLURM_STEP_NUM_TASKS !== undefined;
  return (
    `the launcher started ${tasks} tasks, but MPI joined this one (task ${task}) into a job of ${mpiSize} rank(s): ` +
    (srun
      ? 'srun started them without an MPI plugin this MPI library understands; ask for one (`srun --mpi=pmix`, see `srun --mpi=list`), or launch with mpirun inside the allocation'
      : 'the launcher and the MPI library do not match; launch with the mpirun of the MPI library graft was built against')
  );
}
