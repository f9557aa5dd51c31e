// train/index.ts: the training layer's public surface.

export type * from './architecture.js';
