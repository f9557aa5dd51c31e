// transport/local.ts: the transport of a process started without an MPI launcher: one rank,
// rank 0 of 1. It is a loopback job of size one, so it behaves exactly as the loopback does.

import { LoopbackHub, LoopbackTransport } from './loopback.js';

export class LocalTransport extends LoopbackTransport {
  constructor() {
    super(new LoopbackHub(1), 0, 'local');
  }
}
