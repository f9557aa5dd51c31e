// cli/run-cli.ts: dispatches `graft <command> …` to its module, prints help, and turns any
// error into a clear message and a non-zero exit code. Under an MPI launcher, a bad argument
// (which every rank finds alike) is reported by rank 0 alone; other errors name their rank.

import { setTimeout as sleep } from 'node:timers/promises';
import { commands } from './commands.js';
import { GraftError, InvalidArgumentError } from '../errors.js';
import { launcherRank } from '../transport/launcher.js';

export async function runCli(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(await usage());
    return name === undefined ? 2 : 0;
  }
  const load = commands[name];
  if (!load) {
    await sayOnce(`graft: unknown command '${name}'. Commands: ${Object.keys(commands).join(', ')}\n`);
    return 2;
  }
  const command = await load();
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(command.help.endsWith('\n') ? command.help : command.help + '\n');
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    await reportError(name, err);
    return 1;
  }
}

async function reportError(command: string, err: unknown): Promise<void> {
  if (err instanceof InvalidArgumentError) return sayOnce(`graft ${command}: ${err.message} [${err.code}]\n`);
  const rank = launcherRank();
  const who = rank === undefined ? `graft ${command}` : `graft ${command} (rank ${rank})`;
  if (err instanceof GraftError) {
    process.stderr.write(`${who}: ${err.message} [${err.code}]\n`);
  } else {
    process.stderr.write(`${who}: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  }
}

/** A message every rank would print alike: printed by rank 0 (or a process no launcher started). */
async function sayOnce(text: string): Promise<void> {
  const rank = launcherRank();
  if (rank === undefined || rank === 0) {
    process.stderr.write(text);
    return;
  }
  // Waiting a moment lets rank 0 print before this rank's exit makes the launcher end the job.
  await sleep(1000);
}

async function usage(): Promise<string> {
  const lines = ['Usage: graft <command> [options]   (node dist/main.js …, or under mpirun)', '', 'Commands:'];
  for (const [name, load] of Object.entries(commands)) {
    lines.push(`  ${name.padEnd(10)} ${(await load()).summary}`);
  }
  lines.push('', "Run 'graft <command> --help' for a command's options.", '');
  return lines.join('\n');
}
