// store/index.ts: the layer store's public surface.

export * from './layer-record.js';
