// cli/command.ts: the shape of one subcommand module. Each command lives in its own file and
// is loaded only when it is asked for, so `graft submit` never pays for loading tfjs.

export interface Command {
  /** One line for the command list. */
  summary: string;
  /** The full `--help` text. */
  help: string;
  /** Runs the command; resolves to the process exit code. */
  run(argv: string[]): Promise<number>;
}
