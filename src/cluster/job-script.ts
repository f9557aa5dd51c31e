// cluster/job-script.ts: turns a checked JobSpec into the text of a batch script, by filling
// the scheduler's template with directives, launcher layout and search flags. Pure: it reads
// the template file but writes nothing; the caller decides where the script goes.

import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JobSpec, Scheduler } from './job-spec.js';
import { shellJoin, shellQuote } from './shell-quote.js';
import { fillTemplate, loadTemplate } from './template.js';
import { formatWalltime, lsfWalltime, walltimeReserve } from './walltime.js';

/** Where graft is installed and which node runs it, as seen from the compute nodes. */
export interface Installation {
  /** The package root: holds dist/main.js and scripts/graft-rank.sh. */
  graftHome: string;
  nodeBin: string;
}

/** This graft (the package this module was loaded from) and the node running it. */
export function thisInstallation(): Installation {
  return { graftHome: fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, ''), nodeBin: process.execPath };
}

export interface JobScript {
  /** Absolute path the script is meant to be written to (inside spec.outDir). */
  path: string;
  text: string;
  /** Seconds the scheduler will grant (LSF rounds down to whole minutes). */
  walltimeSeconds: number;
}

interface SchedulerForm {
  template: string;
  fileName: string;
  directive: string;
  time(seconds: number): { text: string; seconds: number };
  account(name: string): string;
  queue(name: string): string;
  /** Placeholders only this scheduler's template has; `reserveSeconds` is the walltime reserve. */
  extra(spec: JobSpec, reserveSeconds: number): Record<string, string>;
}

const kForms: Record<Scheduler, SchedulerForm> = {
  slurm: {
    template: 'slurm.sbatch',
    fileName: 'graft-job.sbatch',
    directive: '#SBATCH',
    time: (s) => ({ text: formatWalltime(s), seconds: s }),
    account: (name) => `--account=${name}`,
    queue: (name) => `--partition=${name}`,
    extra: (spec) => ({
      GPU_DIRECTIVE:
        spec.gpusPerNode > 0 ? `#SBATCH --gpus-per-node=${spec.gpusPerNode}` : '# (CPU-only job: no GPUs requested)',
    }),
  },
  pbs: {
    template: 'pbs.qsub',
    fileName: 'graft-job.pbs',
    directive: '#PBS',
    time: (s) => ({ text: formatWalltime(s), seconds: s }),
    account: (name) => `-A ${name}`,
    queue: (name) => `-q ${name}`,
    extra: (spec) => ({ NGPUS_RESOURCE: spec.gpusPerNode > 0 ? `:ngpus=${spec.gpusPerNode}` : '' }),
  },
  lsf: {
    template: 'lsf.bsub',
    fileName: 'graft-job.lsf',
    directive: '#BSUB',
    time: lsfWalltime,
    account: (name) => `-P ${name}`,
    queue: (name) => `-q ${name}`,
    // The warning time (-wt) counts whole minutes: the warning comes at or before the reserve.
    extra: (_spec, reserveSeconds) => ({ WALLTIME_RESERVE_MINUTES: String(Math.ceil(reserveSeconds / 60)) }),
  },
};

const kSetupPlaceholder = [
  '# Nothing loaded: the job inherits PATH from where it was submitted. Typical lines (edit):',
  '# module load nodejs/20 openmpi cuda',
  '# (or pass --setup FILE to graft submit to put your lines here)',
].join('\n');

export function renderJobScript(spec: JobSpec, installation: Installation): JobScript {
  const form = kForms[spec.scheduler];
  const path = join(spec.outDir, form.fileName);
  const time = form.time(spec.walltimeSeconds);
  const reserve = walltimeReserve(time.seconds);
  const values: Record<string, string> = {
    SCRIPT: shellQuote(path),
    JOB_NAME: spec.jobName,
    NODES: String(spec.nodes),
    RANKS: String(spec.ranks),
    RANKS_PER_NODE: String(spec.ranksPerNode),
    GPUS_PER_NODE: String(spec.gpusPerNode),
    GPUS_PER_RANK: String(spec.gpusPerRank),
    CPUS_PER_RANK: String(spec.cpusPerRank),
    TIME: time.text,
    WALLTIME_SECONDS: String(time.seconds),
    WALLTIME_RESERVE: String(reserve),
    ACCOUNT_DIRECTIVE: optionalDirective(form.directive, 'account', spec.account, form.account),
    QUEUE_DIRECTIVE: optionalDirective(form.directive, 'queue', spec.queue, form.queue),
    OUT_DIR: spec.outDir,
    WORK_DIR: shellQuote(spec.workDir),
    GRAFT_HOME: shellQuote(installation.graftHome),
    NODE_BIN: shellQuote(installation.nodeBin),
    LAUNCHER: spec.launcher,
    SETUP: spec.setup === undefined ? kSetupPlaceholder : spec.setup.replace(/\n+$/, ''),
    SEARCH_ARGS: shellJoin(spec.searchArgs),
    ...form.extra(spec, reserve),
  };
  return { path, text: fillTemplate(form.template, loadTemplate(form.template), values), walltimeSeconds: time.seconds };
}

function optionalDirective(
  directive: string,
  option: string,
  value: string | undefined,
  form: (name: string) => string,
): string {
  return value === undefined ? `# (no --${option} given: the site's default applies)` : `${directive} ${form(value)}`;
}
