// transport/index.ts: the transport layer's public surface.

export type { Transport, TransportInfo, MessageHandler, RegionRef, ExposedRegion } from './transport.js';
