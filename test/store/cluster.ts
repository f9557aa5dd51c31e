// test/store/cluster.ts: n ranks in one process (loopback transport), each with a gossip index
// and a layer store over a fresh spill directory; and small layer records to put in them.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLoopbackCluster, type Transport } from 'graft/transport';
import { checksumOf, GossipIndex, LayerStore, type GossipOptions, type LayerRecord, type LayerStoreOptions } from 'graft/store';

export interface StoreCluster {
  transports: Transport[];
  indexes: GossipIndex[];
  stores: LayerStore[];
  spillDir: string;
  close(): Promise<void>;
}

export function storeCluster(n: number, store: LayerStoreOptions = {}, gossip: GossipOptions = {}): StoreCluster {
  const spillDir = mkdtempSync(join(tmpdir(), 'graft-store-test-'));
  const transports = createLoopbackCluster(n);
  const indexes = transports.map((t) => new GossipIndex(t, { periodMs: 10, exchangeTimeoutMs: 200, ...gossip }));
  const stores = transports.map((t, r) => new LayerStore(t, indexes[r]!, { spillDir, ...store }));
  return {
    transports,
    indexes,
    stores,
    spillDir,
    async close() {
      for (const i of indexes) i.close();
      for (const s of stores) await s.close();
      for (const t of transports) await t.close().catch(() => undefined);
      rmSync(spillDir, { recursive: true, force: true });
    },
  };
}

/** A layer with a kernel and a bias of pseudo-random float32 values (`kernelFloats` of them). */
export function makeLayer(layerId: string, kernelFloats: number, seed = 1): LayerRecord {
  const kernel = new Float32Array(kernelFloats);
  let x = seed * 2654435761;
  for (let i = 0; i < kernel.length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    kernel[i] = x / 4294967296 - 0.5;
  }
  const bias = new Float32Array(3).fill(seed);
  const k = new Uint8Array(kernel.buffer);
  const b = new Uint8Array(bias.buffer);
  return {
    layerId,
    tensors: [
      { name: 'kernel', shape: [kernelFloats], dtype: 'float32', bytes: k, checksum: checksumOf(k) },
      { name: 'bias', shape: [3], dtype: 'float32', bytes: b, checksum: checksumOf(b) },
    ],
  };
}

/** Resolves once `ready()` holds, polling; rejects after `ms`. */
export async function until(ready: () => boolean, ms = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
