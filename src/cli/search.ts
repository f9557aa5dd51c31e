// cli/search.ts: `graft search`, the main job. Reads the options (flags, config file, or the
// run's own config with --resume), checks the search space and the run directory before any
// work, runs the search on every rank, shows rank 0's progress line, and prints where the
// results are and the best model. Ends by writing the run's report.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError } from '../errors.js';
import { resolveSearchConfig, searchHelp } from '../config/search-config.js';
import { resolveSearchSpace, runSearch, checkDataSpec } from '../nas/index.js';
import { checkpointDir, kJournalFile, kResultsFile } from '../nas/run/index.js';
import type { Command } from './command.js';
import { ProgressLine } from './progress-line.js';

export const searchCommand: Command = {
  summary: 'neural architecture search with selective weight transfer (locally or under mpirun)',
  help: searchHelp(),
  async run(argv) {
    const { options, resume } = resolveSearchConfig(argv);
    resolveSearchSpace(options.space);
    checkDataSpec(options.data);
    const journal = join(options.out, kJournalFile);
    if (resume !== null && !existsSync(journal)) {
      throw new InvalidArgumentError(`--resume ${resume}: no ${kJournalFile} there to continue from`, { details: { option: 'resume' } });
    }
    if (resume === null && existsSync(journal)) {
      throw new InvalidArgumentError(`${options.out} already holds a search: continue it with --resume ${options.out}, or choose another --out`, { details: { option: 'out' } });
    }
    const line = options.progress ? new ProgressLine() : null;
    const result = await runSearch({
      options,
      resume: resume !== null,
      onProgress: line ? (p) => line.update(p) : undefined,
      onStart: ({ ranks, actors, out, resumed, startupSeconds }) =>
        process.stderr.write(
          `graft search: ${actors} training actor(s) on ${ranks} rank(s) ready after ${startupSeconds.toFixed(1)} s of start-up (counted in --walltime), results in ${out}${resumed > 0 ? ` (resuming after ${resumed} results)` : ''}\n`,
        ),
    });
    line?.end();
    if (!result) return 0;
    const { summary, out } = result;
    const lines = [
      `results: ${join(out, kResultsFile)} and ${join(out, kJournalFile)} (${summary.evaluated} evaluated, ${summary.failed} failed${summary.stoppedByWalltime ? ', stopped by walltime' : ''}${summary.stoppedBySignal ? ', stopped by SIGUSR1: continue with --resume' : ''})`,
    ];
    if (summary.best) {
      const b = summary.best;
      lines.push(`best: candidate ${b.id}, validation score ${b.score.toFixed(4)}, choices [${b.choices.join(', ')}]`);
      lines.push(`best model: ${checkpointDir(out, b.id)} (train it fully: graft topk ${out} --k 5)`);
    }
    try {
      const { writeReport } = await import('../report/index.js');
      const files = await writeReport(out);
      lines.push(`report: ${files.html}`);
    } catch (err) {
      lines.push(`report: not written (${(err as Error).message})`);
    }
    process.stdout.write(lines.join('\n') + '\n');
    return summary.evaluated > 0 ? 0 : 1;
  },
};
