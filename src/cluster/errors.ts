// cluster/errors.ts: the errors of batch-job generation, submission and per-rank GPU affinity.
// Every class has a stable code; `details` names the option and the value that was refused.

import { GraftError, InvalidArgumentError } from '../errors.js';

/** A job option outside its allowed range or form (nodes 0, a queue name with spaces …). */
export class InvalidJobOptionError extends InvalidArgumentError {
  override readonly code: string = 'ERR_INVALID_JOB_OPTION';
}

/** A scheduler graft has no template for. */
export class UnknownSchedulerError extends InvalidArgumentError {
  override readonly code: string = 'ERR_UNKNOWN_SCHEDULER';
}

/** A time limit that is not HH:MM:SS, has minutes or seconds past 59, or is too short. */
export class InvalidWalltimeError extends InvalidArgumentError {
  override readonly code: string = 'ERR_INVALID_WALLTIME';
}

/** Ranks and GPUs per node that cannot be mapped (a GPU shared by two ranks, GPUs left over). */
export class RankLayoutError extends InvalidArgumentError {
  override readonly code: string = 'ERR_RANK_LAYOUT';
}

/** A template with a placeholder nobody fills, or a value no placeholder takes. */
export class TemplateError extends GraftError {
  override readonly code: string = 'ERR_JOB_TEMPLATE';
}

/** The scheduler's submit command (sbatch, qsub, bsub) is not on PATH. */
export class SchedulerCommandNotFoundError extends GraftError {
  override readonly code: string = 'ERR_SCHEDULER_COMMAND_NOT_FOUND';
}

/** The scheduler refused the job (non-zero exit); details carry its exit status and answer. */
export class SubmitFailedError extends GraftError {
  override readonly code: string = 'ERR_SUBMIT_FAILED';
}

/** The scheduler accepted the job but its answer held no job id graft could read. */
export class JobIdNotFoundError extends GraftError {
  override readonly code: string = 'ERR_JOB_ID_NOT_FOUND';
}

/** A rank whose GPUs cannot be chosen without widening or sharing what the scheduler granted. */
export class GpuAffinityError extends GraftError {
  override readonly code: string = 'ERR_GPU_AFFINITY';
}
