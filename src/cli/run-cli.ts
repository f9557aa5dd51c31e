// cli/run-cli.ts: dispatches `graft <command> …` to its module, prints help, and turns any
// error into a clear message and a non-zero exit code.

import { commands } from './commands.js';
import { GraftError } from '../errors.js';

export async function runCli(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(await usage());
    return name === undefined ? 2 : 0;
  }
  const load = commands[name];
  if (!load) {
    process.stderr.write(`graft: unknown command '${name}'. Commands: ${Object.keys(commands).join(', ')}\n`);
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
    reportError(name, err);
    return 1;
  }
}

function reportError(command: string, err: unknown): void {
  if (err instanceof GraftError) {
    process.stderr.write(`graft ${command}: ${err.message} [${err.code}]\n`);
  } else {
    process.stderr.write(`graft ${command}: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  }
}

async function usage(): Promise<string> {
  const lines = ['Usage: graft <command> [options]   (node dist/main.js …, or under mpirun)', '', 'Commands:'];
  for (const [name, load] of Object.entries(commands)) {
    lines.push(`  ${name.padEnd(10)} ${(await load()).summary}`);
  }
  lines.push('', "Run 'graft <command> --help' for a command's options.", '');
  return lines.join('\n');
}
