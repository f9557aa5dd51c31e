// cluster/index.ts: what graft offers for running on batch clusters: checking a job's options,
// writing its script from a scheduler template, submitting it, and each rank's GPU affinity.

export * from './errors.js';
export { kSchedulers, kLaunchers, resolveJobSpec } from './job-spec.js';
export type { JobOptions, JobSpec, Launcher, Scheduler } from './job-spec.js';
export { parseWalltime, walltimeReserve, formatWalltime, lsfWalltime } from './walltime.js';
export { fillTemplate, loadTemplate } from './template.js';
export { renderJobScript, thisInstallation } from './job-script.js';
export type { Installation, JobScript } from './job-script.js';
export { submitJobScript, submitProgram, parseJobId } from './submit-job.js';
export type { SubmitOptions, SubmittedJob } from './submit-job.js';
export { gpusForRank, grantedGpus, localRankOf, rankEnvironment } from './gpu-affinity.js';
export type { Env, GpuGrant, GrantSource } from './gpu-affinity.js';
export { shellQuote, shellJoin } from './shell-quote.js';
