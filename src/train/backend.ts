// train/backend.ts: finds which tfjs backends load in this process and selects one:
// tfjs-node-gpu, then tfjs-node, then wasm, then cpu. tfjs-node(-gpu) are never dependencies
// (their installers download libtensorflow); they are imported by name at run time when a
// cluster has them. Works the same on the main thread and inside worker_threads.

import * as tf from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { InvalidArgumentError } from '../errors.js';
import { log } from '../util/log.js';
import { BackendUnavailableError } from './errors.js';
import { registerWasmGradientKernels } from './wasm-kernels.js';

/** graft's names for the backends it knows, best first. */
export const kBackendNames = ['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'] as const;
export type BackendName = (typeof kBackendNames)[number];

/** The name tfjs itself registers each backend under. */
const kTfName: Record<BackendName, string> = {
  'tfjs-node-gpu': 'tensorflow',
  'tfjs-node': 'tensorflow',
  wasm: 'wasm',
  cpu: 'cpu',
};

// One attempt per backend and process: a failed native import is not retried, and the wasm
// module is compiled once.
const attempts = new Map<BackendName, Promise<void>>();
let selected: BackendName | undefined;

// PROD mode silences tfjs's console banner suggesting tfjs-node and skips debug checks.
tf.env().set('PROD', true);

export function isBackendName(name: string): name is BackendName {
  return (kBackendNames as readonly string[]).includes(name);
}

/** Names of the backends that load here, best first. Leaves the active backend as it was. */
export async function probeBackends(): Promise<BackendName[]> {
  const previous = tf.getBackend();
  const found: BackendName[] = [];
  for (const name of kBackendNames) {
    if (await loads(name)) found.push(name);
  }
  if (previous && tf.getBackend() !== previous) await tf.setBackend(previous);
  return found;
}

/**
 * Makes `preferred` (or else the best backend that loads) the active tfjs backend and resolves
 * to its name. Rejects with InvalidArgumentError for an unknown name and
 * BackendUnavailableError when the preferred backend cannot load.
 */
export async function selectBackend(preferred?: string): Promise<BackendName> {
  if (preferred !== undefined) {
    if (!isBackendName(preferred)) {
      throw new InvalidArgumentError(
        `unknown backend '${preferred}': expected one of ${kBackendNames.join(', ')}`,
        { details: { option: 'backend', value: preferred } },
      );
    }
    try {
      await activate(preferred);
    } catch (cause) {
      throw new BackendUnavailableError(`backend '${preferred}' cannot load here`, {
        cause,
        details: { backend: preferred },
      });
    }
    return preferred;
  }
  for (const name of kBackendNames) {
    if (await loads(name)) {
      await activate(name);
      return name;
    }
  }
  // The cpu backend ships inside @tensorflow/tfjs, so this is a broken installation.
  throw new BackendUnavailableError('no tfjs backend loads here');
}

/** The backend chosen by the last selectBackend, if any. */
export function selectedBackend(): BackendName | undefined {
  return selected;
}

async function loads(name: BackendName): Promise<boolean> {
  try {
    await load(name);
    return true;
  } catch (cause) {
    log('debug', 'train.backend.unavailable', { backend: name, cause });
    return false;
  }
}

async function activate(name: BackendName): Promise<void> {
  await load(name);
  if (!(await tf.setBackend(kTfName[name]))) throw new Error(`tf.setBackend('${kTfName[name]}') failed`);
  await tf.ready();
  selected = name;
  log('info', 'train.backend.selected', { backend: name });
}

function load(name: BackendName): Promise<void> {
  let attempt = attempts.get(name);
  if (!attempt) {
    attempt = loadOnce(name);
    attempts.set(name, attempt);
  }
  return attempt;
}

async function loadOnce(name: BackendName): Promise<void> {
  switch (name) {
    case 'tfjs-node-gpu':
    case 'tfjs-node': {
      // Both register the 'tensorflow' backend; whichever loads first owns it.
      const other = name === 'tfjs-node' ? 'tfjs-node-gpu' : 'tfjs-node';
      if (attempts.has(other) && (await attempts.get(other)!.then(() => true, () => false))) {
        throw new Error(`@tensorflow/${other} already owns the 'tensorflow' backend`);
      }
      // A specifier held in a variable keeps the compiler from resolving an optional package.
      const specifier = `@tensorflow/${name}`;
      await import(specifier);
      return;
    }
    case 'wasm': {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      wasm.setWasmPaths(wasmDirectory());
      registerWasmGradientKernels();
      await initialise('wasm');
      return;
    }
    case 'cpu':
      await initialise('cpu');
      return;
  }
}

/** Initialises a registered backend without leaving it active. */
async function initialise(tfName: string): Promise<void> {
  const previous = tf.getBackend();
  try {
    if (!(await tf.setBackend(tfName))) throw new Error(`tf.setBackend('${tfName}') failed`);
  } finally {
    if (previous && previous !== tfName) await tf.setBackend(previous);
  }
}

/** The folder holding the .wasm binaries, as a file path with a trailing slash. */
function wasmDirectory(): string {
  const require = createRequire(import.meta.url);
  return dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + '/';
}
