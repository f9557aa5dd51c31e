// index.ts: graft's public API, layer by layer. Programs import 'graft' (or 'graft/<layer>').

export * from './errors.js';
export * as transport from './transport/index.js';
export * as runtime from './runtime/index.js';
export * as store from './store/index.js';
export * as train from './train/index.js';
export * as nas from './nas/index.js';
export * as report from './report/index.js';
export * as cluster from './cluster/index.js';
export * as cli from './cli/index.js';
export { log, setLogFile, setLogFields } from './util/log.js';
