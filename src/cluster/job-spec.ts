// cluster/job-spec.ts: the door for a batch job's options. Takes what a user typed (strings or
// numbers), checks every value, fills defaults from one table and returns a complete JobSpec
// that template filling trusts. Touches no file and knows no template text.

import { resolve } from 'node:path';
import { InvalidJobOptionError, RankLayoutError, UnknownSchedulerError } from './errors.js';
import { parseWalltime } from './walltime.js';

export const kSchedulers = ['slurm', 'pbs', 'lsf'] as const;
export type Scheduler = (typeof kSchedulers)[number];
export type Launcher = 'srun' | 'mpirun' | 'mpiexec' | 'jsrun';

/** Which launchers each scheduler's template can start ranks with; the first is the default. */
export const kLaunchers: Record<Scheduler, readonly Launcher[]> = {
  slurm: ['srun', 'mpirun'],
  pbs: ['mpiexec'],
  lsf: ['jsrun'],
};

/** What a user passes; numbers may arrive as the strings typed on the command line. */
export interface JobOptions {
  scheduler: string;
  nodes: number | string;
  time: string;
  /** Where the script, the scheduler's output and the search's results go; else the search's `--resume` or `--out`. */
  outDir?: string;
  gpusPerNode?: number | string;
  /** Defaults to one rank per GPU, or 1 on a CPU-only job. */
  ranksPerNode?: number | string;
  cpusPerRank?: number | string;
  account?: string;
  queue?: string;
  jobName?: string;
  launcher?: string;
  /** The directory the job runs in, so relative paths in the search flags mean what they meant at submit time. */
  workDir?: string;
  /** Shell lines run before launch (module loads); a marked placeholder when absent. */
  setup?: string;
  /** The flags for `graft search`, without `--walltime` (set from `time`). */
  searchArgs?: readonly string[];
}

export interface JobSpec {
  scheduler: Scheduler;
  launcher: Launcher;
  nodes: number;
  gpusPerNode: number;
  ranksPerNode: number;
  /** GPUs each rank sees: gpusPerNode / ranksPerNode, 0 on a CPU-only job. */
  gpusPerRank: number;
  cpusPerRank: number;
  /** nodes × ranksPerNode. */
  ranks: number;
  /** The limit as written (HH:MM:SS) and in seconds. */
  time: string;
  walltimeSeconds: number;
  account: string | undefined;
  queue: string | undefined;
  jobName: string;
  /** Absolute. */
  outDir: string;
  /** Absolute. */
  workDir: string;
  setup: string | undefined;
  /** The search flags, ending with `--out <outDir>` (absolute). */
  searchArgs: string[];
}

const kDefaults = {
  gpusPerNode: 0,
  cpusPerRank: 8,
  jobName: 'graft',
} as const;

const kLimits = {
  nodes: { min: 1, max: 100_000 },
  gpusPerNode: { min: 0, max: 64 },
  ranksPerNode: { min: 1, max: 1024 },
  cpusPerRank: { min: 1, max: 1024 },
} as const;

// Names land in scheduler directives and shell lines: letters, digits and the punctuation
// sites use in account and queue names (PBS queues may be `queue@server`), nothing a shell
// or a directive parser would read differently.
const kNamePattern = /^[A-Za-z0-9][A-Za-z0-9_.+@-]{0,63}$/;
const kJobNamePattern = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;
// Paths appear in directives (`#SBATCH --output=…`), which are not shell-parsed.
const kPathPattern = /^[A-Za-z0-9_./+@:,=-]+$/;

/** Flags of `graft search` that `graft submit` sets itself. */
const kOwnedSearchFlags = ['--walltime'] as const;

/** Checks every option and returns the complete job description; throws on the first bad value. */
export function resolveJobSpec(options: JobOptions): JobSpec {
  const scheduler = parseScheduler(options.scheduler);
  const launcher = parseLauncher(scheduler, options.launcher);
  const nodes = parseCount('nodes', options.nodes);
  const gpusPerNode = parseCount('gpusPerNode', options.gpusPerNode ?? kDefaults.gpusPerNode);
  const ranksPerNode = parseCount('ranksPerNode', options.ranksPerNode ?? Math.max(1, gpusPerNode));
  const cpusPerRank = parseCount('cpusPerRank', options.cpusPerRank ?? kDefaults.cpusPerRank);
  checkLayout(scheduler, gpusPerNode, ranksPerNode);
  const walltimeSeconds = parseWalltime(options.time);
  const workDir = parsePath('the working directory', options.workDir ?? process.cwd());
  const searchArgs = [...(options.searchArgs ?? [])];
  for (const flag of kOwnedSearchFlags) {
    if (flagValue(searchArgs, flag) !== undefined) {
      throw new InvalidJobOptionError(`do not pass ${flag} to the search: graft submit sets it from --time`, {
        details: { option: flag },
      });
    }
  }
  const outDir = resolveOutDir(options.outDir, searchArgs, workDir);
  return {
    scheduler,
    launcher,
    nodes,
    gpusPerNode,
    ranksPerNode,
    gpusPerRank: gpusPerNode / ranksPerNode,
    cpusPerRank,
    ranks: nodes * ranksPerNode,
    time: options.time,
    walltimeSeconds,
    account: parseName('account', options.account, kNamePattern),
    queue: parseName('queue', options.queue, kNamePattern),
    jobName: parseName('jobName', options.jobName ?? kDefaults.jobName, kJobNamePattern) as string,
    outDir,
    workDir,
    setup: options.setup,
    searchArgs: [...withoutFlag(searchArgs, '--out'), '--out', outDir],
  };
}

function parseScheduler(value: string): Scheduler {
  if ((kSchedulers as readonly string[]).includes(value)) return value as Scheduler;
  throw new UnknownSchedulerError(`--scheduler must be one of ${kSchedulers.join(', ')}, got '${value}'`, {
    details: { option: 'scheduler', value },
  });
}

function parseLauncher(scheduler: Scheduler, value: string | undefined): Launcher {
  const allowed = kLaunchers[scheduler];
  if (value === undefined) return allowed[0] as Launcher;
  if ((allowed as readonly string[]).includes(value)) return value as Launcher;
  throw new InvalidJobOptionError(`--launcher for ${scheduler} must be one of ${allowed.join(', ')}, got '${value}'`, {
    details: { option: 'launcher', value },
  });
}

function parseCount(option: keyof typeof kLimits, value: number | string): number {
  const n = typeof value === 'number' ? value : /^\d+$/.test(value) ? Number(value) : NaN;
  const { min, max } = kLimits[option];
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new InvalidJobOptionError(`--${kebab(option)} must be a whole number from ${min} to ${max}, got '${value}'`, {
      details: { option, value },
    });
  }
  return n;
}

/**
 * One rank per GPU, on every scheduler. The pin is real only per process: a rank's actors are
 * threads of one process, and a GPU library such as tfjs-node-gpu sees every GPU the process
 * was given, whatever each thread's copy of CUDA_VISIBLE_DEVICES says. A rank given one GPU uses
 * exactly that one.
 */
function checkLayout(_scheduler: Scheduler, gpusPerNode: number, ranksPerNode: number): void {
  if (gpusPerNode === 0 || ranksPerNode === gpusPerNode) return;
  throw new RankLayoutError(
    `graft runs one rank per GPU (a rank's actors share one process, which sees every GPU it is given): ` +
      `--ranks-per-node must equal --gpus-per-node (${gpusPerNode}), got ${ranksPerNode}; leave --ranks-per-node out to get that`,
    { details: { option: 'ranksPerNode', value: ranksPerNode, gpusPerNode } },
  );
}

function parseName(option: string, value: string | undefined, pattern: RegExp): string | undefined {
  if (value === undefined) return undefined;
  if (pattern.test(value)) return value;
  throw new InvalidJobOptionError(
    `--${kebab(option)} '${value}' is not a valid name: use letters, digits and _ . + @ - (at most 64)`,
    { details: { option, value } },
  );
}

function parsePath(label: string, value: string): string {
  const absolute = resolve(value);
  if (value.length > 0 && kPathPattern.test(absolute)) return absolute;
  throw new InvalidJobOptionError(
    `${label} '${value}' must be a path of letters, digits and _ . / + @ : , = - (it appears in scheduler directives)`,
    { details: { option: label === '--out' ? 'out' : 'workDir', value } },
  );
}

/**
 * The run directory: --out given to submit, else the search's --resume DIR or --out DIR. Where
 * several are given they must name the same directory, so the script, the scheduler's logs and
 * the journal stay together.
 */
function resolveOutDir(own: string | undefined, searchArgs: readonly string[], workDir: string): string {
  const given = [
    { flag: '--out', value: own },
    { flag: 'the search\'s --resume', value: flagValue(searchArgs, '--resume') },
    { flag: 'the search\'s --out', value: flagValue(searchArgs, '--out') },
  ].filter((g): g is { flag: string; value: string } => g.value !== undefined);
  const chosen = given[0];
  if (chosen === undefined) {
    throw new InvalidJobOptionError('an output directory is needed: pass --out DIR (or --out or --resume after -- for the search)', {
      details: { option: 'out' },
    });
  }
  const outDir = parsePath('--out', resolve(workDir, chosen.value));
  for (const other of given.slice(1)) {
    if (resolve(workDir, other.value) !== outDir) {
      throw new InvalidJobOptionError(`${chosen.flag} '${chosen.value}' and ${other.flag} '${other.value}' differ: they must name one run directory`, {
        details: { option: 'out', value: chosen.value, other: other.value },
      });
    }
  }
  return outDir;
}

/** The value of `--flag v` or `--flag=v` in argv (the last one wins, as in most parsers). */
function flagValue(argv: readonly string[], flag: string): string | undefined {
  let value: string | undefined;
  argv.forEach((arg, i) => {
    if (arg === flag) value = argv[i + 1] ?? '';
    else if (arg.startsWith(flag + '=')) value = arg.slice(flag.length + 1);
  });
  return value;
}

function withoutFlag(argv: readonly string[], flag: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === flag) i++;
    else if (!arg.startsWith(flag + '=')) out.push(arg);
  }
  return out;
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
}
