// Actors in worker threads reach their rank's store over a port: donor query, copy-free fetch
// of same-rank layers (views of the shared arenas), put, and errors rebuilt with their class.

import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import { MessageChannel, Worker } from 'node:worker_threads';
import { serveStore } from 'graft/store';
import { makeLayer, storeCluster } from './cluster.js';

const script = fileURLToPath(new URL('../fixtures/store/store-worker.js', import.meta.url));

describe('StoreClient in a worker thread', () => {
  it('queries, fetches without copying, stores, and receives typed errors', async () => {
    const c = storeCluster(1);
    try {
      const donor = [makeLayer('a', 64, 5), makeLayer('b', 64, 6)];
      await c.stores[0]!.put({ modelId: 'donor', score: 0.5, layers: donor });
      const { port1, port2 } = new MessageChannel();
      const stop = serveStore(c.stores[0]!, port1);
      const worker = new Worker(script, { workerData: { port: port2 }, transferList: [port2] });
      const report = await new Promise<Record<string, unknown>>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      });
      await worker.terminate();
      stop();
      port1.close();
      expect(report).to.deep.include({ matched: 2, source: 'local', shared: true, errorCode: 'ERR_DUPLICATE_MODEL', errorName: 'DuplicateModelError' });
      expect(report.firstFloat).to.equal(new Float32Array(donor[0]!.tensors[0]!.bytes.slice().buffer)[0]);
      expect(report.put).to.include({ layersStored: 1, layersReferenced: 2 });
      expect(c.indexes[0]!.donor(['a', 'b', 'new'])!.modelId).to.equal('child');
    } finally {
      await c.close();
    }
  });
});
