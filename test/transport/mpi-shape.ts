// test/transport/mpi-shape.ts: what the multi-rank tests share: the path of a compiled fixture
// and a guard that skips (naming why) where MPI or the addon is missing.

import { fileURLToPath } from 'node:url';
import { hasMpiAddon, hasMpirun } from '../helpers/mpirun.js';

export function fixture(name: string): string {
  return fileURLToPath(new URL(`../fixtures/transport/${name}.js`, import.meta.url));
}

/** Call in a `before` hook of a suite that needs real MPI ranks. */
export function requireMpi(context: Mocha.Context): void {
  if (!hasMpirun()) {
    console.log('      (skipped: no mpirun on this machine)');
    context.skip();
  }
  if (!hasMpiAddon()) {
    console.log('      (skipped: the MPI addon is not built; npm run build:native)');
    context.skip();
  }
}
