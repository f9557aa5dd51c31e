#!/usr/bin/env node
// main.ts: the process entry point, `node dist/main.js <command> …`, started the same way
// by a user on a laptop and by `mpirun -n 64` on every rank of a cluster job.

import { runCli } from './cli/run-cli.js';

process.exitCode = await runCli(process.argv.slice(2));
