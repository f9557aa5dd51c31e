#!/usr/bin/env node
// scripts/build-native.mjs: builds the MPI addon in native/ with node-gyp, against the MPI that
// the compiler wrapper (mpicc) describes: `-showme:compile/-showme:link` for Open MPI,
// `-compile_info/-link_info` for MPICH. Runs as the package's install script; without MPI it
// skips cleanly (graft then runs in local mode) and it never fails an install.
//   node scripts/build-native.mjs            build if missing or older than its sources
//   node scripts/build-native.mjs --force    rebuild
//   node scripts/build-native.mjs --print cflags|libs   (used by native/binding.gyp)
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const native = join(root, 'native');
const addon = join(native, 'build', 'Release', 'graft_mpi.node');
const mpicc = process.env.MPICC || 'mpicc';

/** The wrapper's compile and link flags as token lists, or undefined when there is no MPI. */
function mpiFlags() {
  const ask = (...args) => {
    try {
      return execFileSync(mpicc, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().split(/\s+/);
    } catch {
      return undefined;
    }
  };
  const openmpi = [ask('-showme:compile'), ask('-showme:link')];
  if (openmpi[0] && openmpi[1]) return { cflags: openmpi[0], libs: openmpi[1] };
  // MPICH prints whole command lines; the first word is the compiler itself.
  const mpich = [ask('-compile_info'), ask('-link_info')];
  if (mpich[0] && mpich[1]) {
    return { cflags: mpich[0].slice(1).filter((t) => t.startsWith('-') && !t.startsWith('-c')), libs: mpich[1].slice(1).filter((t) => /^-(L|l|Wl|pthread)/.test(t)) };
  }
  return undefined;
}

function linkFlags(libs) {
  // Find libmpi at run time where the wrapper found it at build time.
  const rpaths = libs.filter((t) => t.startsWith('-L')).map((t) => `-Wl,-rpath,${t.slice(2)}`);
  return [...libs, ...rpaths];
}

function upToDate() {
  if (!existsSync(addon)) return false;
  const built = statSync(addon).mtimeMs;
  const sources = [join(native, 'binding.gyp'), ...readdirSync(join(native, 'src')).map((f) => join(native, 'src', f))];
  return sources.every((file) => statSync(file).mtimeMs <= built);
}

/** node-gyp: npm's own during an install, else the package's devDependency. */
function nodeGyp() {
  if (process.env.npm_config_node_gyp && existsSync(process.env.npm_config_node_gyp)) return process.env.npm_config_node_gyp;
  try {
    return createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js');
  } catch {
    return undefined;
  }
}

/** Node's own headers when installed beside it (distribution packages), so nothing is downloaded. */
function nodeDir() {
  const prefix = dirname(dirname(process.execPath));
  return existsSync(join(prefix, 'include', 'node', 'common.gypi')) ? ['--nodedir', prefix] : [];
}

const argv = process.argv.slice(2);
if (argv[0] === '--print') {
  const flags = mpiFlags();
  if (!flags) process.exit(1);
  process.stdout.write((argv[1] === 'libs' ? linkFlags(flags.libs) : flags.cflags).join(' ') + '\n');
  process.exit(0);
}

const skip = (why) => {
  console.log(`graft: MPI addon not built: ${why}. graft runs in local mode (one rank).`);
  process.exit(0);
};

if (!mpiFlags()) skip(`no MPI compiler wrapper (${mpicc}) found; run scripts/install-mpi.sh, then npm run build:native`);
if (!argv.includes('--force') && upToDate()) {
  console.log('graft: MPI addon is up to date');
  process.exit(0);
}
const gyp = nodeGyp();
if (!gyp) skip('node-gyp is not available');
console.log('graft: building the MPI addon (native/)');
const build = spawnSync(process.execPath, [gyp, 'rebuild', '--directory', native, ...nodeDir()], { stdio: 'inherit', cwd: root });
if (build.status !== 0) skip('the native build failed (see above)');
console.log(`graft: MPI addon built: ${addon}`);
