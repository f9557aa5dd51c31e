// cli/submit.ts: `graft submit`: checks a batch job's options, writes its script into the
// output directory, then prints it (--dry-run) or submits it to the scheduler and reports the
// job id. Every value is checked before anything is written.

import { appendFileSync, chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  InvalidJobOptionError,
  renderJobScript,
  resolveJobSpec,
  submitJobScript,
  submitProgram,
  thisInstallation,
} from '../cluster/index.js';
import type { JobSpec, JobScript } from '../cluster/index.js';
import { didYouMean } from '../config/did-you-mean.js';
import { resolveSearchConfig } from '../config/search-config.js';
// The run directory's layout only: nas/index.js would load tfjs, which submit never needs.
import { kJournalFile } from '../nas/run-files.js';
import type { Command } from './command.js';

const kOptions = {
  scheduler: { type: 'string' },
  nodes: { type: 'string' },
  'gpus-per-node': { type: 'string' },
  'ranks-per-node': { type: 'string' },
  'cpus-per-rank': { type: 'string' },
  time: { type: 'string' },
  account: { type: 'string' },
  queue: { type: 'string' },
  'job-name': { type: 'string' },
  launcher: { type: 'string' },
  out: { type: 'string' },
  setup: { type: 'string' },
  'dry-run': { type: 'boolean' },
} as const;

const kRequired = ['scheduler', 'nodes', 'time'] as const;

const kHelp = `Usage: graft submit --scheduler slurm|pbs|lsf --nodes N --time HH:MM:SS [options] -- <search flags>

Writes a batch script for a graft search into the output directory and submits it with
sbatch, qsub or bsub (or prints it with --dry-run). Everything after -- goes to
'graft search'; --walltime is set from --time, less a reserve for a clean stop.

  --scheduler S        slurm, pbs (PBS Pro, Polaris style) or lsf (jsrun)
  --nodes N            nodes to run on
  --gpus-per-node G    GPUs to request per node (default 0: a CPU-only job)
  --ranks-per-node R   MPI ranks per node (default: one per GPU, or 1); GPUs are shared out
                       evenly, whole GPUs per rank; pbs requires one rank per GPU
  --cpus-per-rank C    cores bound to each rank for its actor threads (default 8)
  --time HH:MM:SS      the job's time limit (LSF rounds it down to whole minutes)
  --account A          account / project to charge (site default when omitted)
  --queue Q            queue (partition on Slurm; site default when omitted)
  --job-name NAME      the scheduler's job name (default graft)
  --launcher L         slurm only: srun (default) or mpirun (OpenMPI)
  --out DIR            output directory for the script, scheduler logs and results
                       (default: the search's own --out)
  --setup FILE         shell lines (module loads) to run on the nodes before launch
  --dry-run            write and print the script, do not submit it
`;

export const submitCommand: Command = {
  summary: 'write a Slurm, PBS or LSF batch script for a search and submit it (or --dry-run)',
  help: kHelp,
  async run(argv) {
    const { spec, dryRun } = parseSubmitArgv(argv);
    // The search reads its flags only once the job starts, maybe hours later in the queue:
    // read them now with the search's own parser so a typo fails here instead.
    const { resume } = resolveSearchConfig(spec.searchArgs);
    if (resume === null && existsSync(join(spec.outDir, kJournalFile))) {
      throw new InvalidJobOptionError(`${spec.outDir} already holds a search: continue it with -- --resume ${spec.outDir}, or choose another --out`, {
        details: { option: 'out', value: spec.outDir },
      });
    }
    // Rendering loads the template and fills every placeholder: a failure here still leaves
    // the output directory untouched.
    const script = renderJobScript(spec, thisInstallation());
    writeScript(spec, script);
    if (dryRun) {
      process.stdout.write(script.text);
      process.stderr.write(`graft submit: wrote ${script.path} (dry run: not submitted; submit with ${submitLine(spec, script)})\n`);
      return 0;
    }
    const job = await submitJobScript(spec.scheduler, script.path, { cwd: spec.workDir });
    process.stdout.write(`submitted ${spec.scheduler} job ${job.jobId}: ${script.path}\n`);
    appendFileSync(
      join(spec.outDir, 'graft-jobs.jsonl'),
      JSON.stringify({
        jobId: job.jobId,
        scheduler: spec.scheduler,
        script: script.path,
        submittedAt: new Date().toISOString(),
        nodes: spec.nodes,
        ranks: spec.ranks,
        gpusPerNode: spec.gpusPerNode,
        time: spec.time,
      }) + '\n',
    );
    return 0;
  },
};

function parseSubmitArgv(argv: string[]): { spec: JobSpec; dryRun: boolean } {
  const split = argv.indexOf('--');
  const own = split === -1 ? argv : argv.slice(0, split);
  const searchArgs = split === -1 ? [] : argv.slice(split + 1);
  const values = parseOwn(own);
  for (const name of kRequired) {
    if (values[name] === undefined) {
      throw new InvalidJobOptionError(`--${name} is required (see graft submit --help)`, { details: { option: name } });
    }
  }
  const spec = resolveJobSpec({
    scheduler: values.scheduler as string,
    nodes: values.nodes as string,
    time: values.time as string,
    gpusPerNode: values['gpus-per-node'],
    ranksPerNode: values['ranks-per-node'],
    cpusPerRank: values['cpus-per-rank'],
    account: values.account,
    queue: values.queue,
    jobName: values['job-name'],
    launcher: values.launcher,
    outDir: values.out,
    setup: values.setup === undefined ? undefined : readSetup(values.setup),
    searchArgs,
  });
  return { spec, dryRun: values['dry-run'] === true };
}

function parseOwn(own: string[]): ReturnType<typeof parseArgs<{ options: typeof kOptions }>>['values'] {
  try {
    return parseArgs({ args: own, options: kOptions, strict: true, allowPositionals: false }).values;
  } catch (err) {
    const unknown = /'(--?[^']+)'/.exec(err instanceof Error ? err.message : '')?.[1];
    const near = unknown === undefined ? undefined : didYouMean(unknown.replace(/^-+/, ''), Object.keys(kOptions));
    throw new InvalidJobOptionError(
      `${err instanceof Error ? err.message : String(err)}${near ? ` (did you mean --${near}?)` : ''}; search flags go after --`,
      { cause: err, details: { option: unknown } },
    );
  }
}

function readSetup(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new InvalidJobOptionError(`--setup ${path} cannot be read`, { cause: err, details: { option: 'setup', value: path } });
  }
}

/** Written whole under a temporary name, then renamed: a crash never leaves half a script. */
function writeScript(spec: JobSpec, script: JobScript): void {
  mkdirSync(spec.outDir, { recursive: true });
  const partial = `${script.path}.${process.pid}.partial`;
  writeFileSync(partial, script.text);
  chmodSync(partial, 0o755);
  renameSync(partial, script.path);
}

function submitLine(spec: JobSpec, script: JobScript): string {
  return spec.scheduler === 'lsf' ? `bsub < ${script.path}` : `${submitProgram(spec.scheduler)} ${script.path}`;
}
