// cli/submit.ts: `graft submit`: checks a batch job's options, writes its script into the
// output directory, then prints it (--dry-run) or submits it to the scheduler and reports the
// job id. Every value is checked before anything is written.

import { appendFileSync, chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  InvalidJobOptionError,
  renderJobScript,
  resolveJobSpec,
  submitJobScript,
  submitProgram,
  thisInstallation,
} from '../cluster/index.js';
import type { JobSpec, JobScript } from '../cluster/index.js';
import { InvalidArgumentError } from '../errors.js';
import { optionsHelp, parseFlags, type OptionSpec, type OptionValues } from '../config/options.js';
import { resolveSearchConfig } from '../config/search-config.js';
// The run directory's layout only: nas/index.js would load tfjs, which submit never needs.
import { kJournalFile } from '../nas/run/index.js';
import type { Command } from './command.js';

// Values stay strings here: resolveJobSpec is the door that checks them.
const kOptionSpecs: readonly OptionSpec[] = [
  { key: 'scheduler', type: { kind: 'string' }, placeholder: 'S', help: 'slurm, pbs (PBS Pro, Polaris style) or lsf (jsrun)' },
  { key: 'nodes', type: { kind: 'string' }, placeholder: 'N', help: 'nodes to run on' },
  { key: 'gpusPerNode', type: { kind: 'string' }, placeholder: 'G', help: 'GPUs to request per node (default 0: a CPU-only job)' },
  { key: 'ranksPerNode', type: { kind: 'string' }, placeholder: 'R', help: 'MPI ranks per node (default: one per GPU, or 1); GPUs are shared out evenly, whole GPUs per rank; pbs requires one rank per GPU' },
  { key: 'cpusPerRank', type: { kind: 'string' }, placeholder: 'C', help: 'cores bound to each rank for its actor threads (default 8)' },
  { key: 'time', type: { kind: 'string' }, placeholder: 'HH:MM:SS', help: "the job's time limit (LSF rounds it down to whole minutes)" },
  { key: 'account', type: { kind: 'string' }, placeholder: 'A', help: 'account / project to charge (site default when omitted)' },
  { key: 'queue', type: { kind: 'string' }, placeholder: 'Q', help: 'queue (partition on Slurm; site default when omitted)' },
  { key: 'jobName', type: { kind: 'string' }, placeholder: 'NAME', help: "the scheduler's job name (default graft)" },
  { key: 'launcher', type: { kind: 'string' }, placeholder: 'L', help: 'slurm only: srun (default) or mpirun (OpenMPI)' },
  { key: 'out', type: { kind: 'string' }, placeholder: 'DIR', help: "output directory for the script, scheduler logs and results (default: the search's own --out)" },
  { key: 'setup', type: { kind: 'string' }, placeholder: 'FILE', help: 'shell lines (module loads) to run on the nodes before launch' },
  { key: 'dryRun', type: { kind: 'boolean' }, help: 'write and print the script, do not submit it' },
];

const kRequired = ['scheduler', 'nodes', 'time'] as const;

const kHelp = [
  'Usage: graft submit --scheduler slurm|pbs|lsf --nodes N --time HH:MM:SS [options] -- <search flags>',
  '',
  'Writes a batch script for a graft search into the output directory and submits it with',
  'sbatch, qsub or bsub (or prints it with --dry-run). Everything after -- goes to',
  "'graft search'; --walltime is set from --time, less a reserve for a clean stop.",
  '',
  'Options:',
  optionsHelp(kOptionSpecs),
  '',
].join('\n');

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
  for (const key of kRequired) {
    if (values[key] === undefined) {
      throw new InvalidJobOptionError(`--${key} is required (see graft submit --help)`, { details: { option: key } });
    }
  }
  const text = (key: string): string | undefined => values[key] as string | undefined;
  const spec = resolveJobSpec({
    scheduler: text('scheduler')!,
    nodes: text('nodes')!,
    time: text('time')!,
    gpusPerNode: text('gpusPerNode'),
    ranksPerNode: text('ranksPerNode'),
    cpusPerRank: text('cpusPerRank'),
    account: text('account'),
    queue: text('queue'),
    jobName: text('jobName'),
    launcher: text('launcher'),
    outDir: text('out'),
    setup: values.setup === undefined ? undefined : readSetup(text('setup')!),
    searchArgs,
  });
  return { spec, dryRun: values.dryRun === true };
}

/** submit's own flags, before `--`; a bad one is a job option error that points at `--`. */
function parseOwn(own: string[]): OptionValues {
  let parsed;
  try {
    parsed = parseFlags(own, kOptionSpecs, 'submit');
  } catch (err) {
    if (!(err instanceof InvalidArgumentError)) throw err;
    throw new InvalidJobOptionError(`${err.message}; search flags go after --`, { cause: err, details: err.details });
  }
  if (parsed.positionals.length > 0) {
    throw new InvalidJobOptionError(`unexpected argument '${parsed.positionals[0]}'; search flags go after --`, {
      details: { argument: parsed.positionals[0] },
    });
  }
  return parsed.values;
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
