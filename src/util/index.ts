// util/index.ts: small helpers every layer may use, for programs that want them alone
// (without loading tfjs through the root 'graft').

export { seededRandom, type RandomSource } from './seeded-random.js';
export { log, setLogFile, setLogFields, type LogLevel } from './log.js';
export { crc32cOf } from './checksum.js';
