// The store's port answers every request: one of a kind it does not know, or in another
// version of the port protocol, comes back as a ProtocolError instead of leaving the asker
// waiting; a store error comes back as its own class with the rank it came from.

import { expect } from 'chai';
import { MessageChannel } from 'node:worker_threads';
import { errorOrigin, portEndpoint, ProtocolError, Rpc } from 'graft/runtime';
import { DuplicateModelError, StoreClient, serveStore, type StoreReplies, type StoreRequest } from 'graft/store';
import { rejection } from '../helpers/rejection.js';
import { makeLayer, storeCluster } from './cluster.js';

describe('the store port', () => {
  it('refuses an unknown request kind and another protocol version, and sends store errors whole', async () => {
    const c = storeCluster(1);
    const { port1, port2 } = new MessageChannel();
    const stop = serveStore(c.stores[0]!, port1);
    const { port1: oldPort1, port2: oldPort2 } = new MessageChannel();
    const stopOld = serveStore(c.stores[0]!, oldPort1);
    const raw = new Rpc<StoreRequest, StoreReplies>(portEndpoint(port2), { protocol: { name: 'store port', version: 1 } });
    const older = new Rpc<StoreRequest, StoreReplies>(portEndpoint(oldPort2), { protocol: { name: 'store port', version: 0 } });
    try {
      const unknown = await rejection(raw.request(undefined, { kind: 'compact' } as unknown as StoreRequest));
      expect(unknown).to.be.instanceOf(ProtocolError);
      expect((unknown as ProtocolError).details).to.include({ kind: 'compact' });

      expect(await rejection(older.request(undefined, { kind: 'model', modelId: 'm' }))).to.be.instanceOf(ProtocolError);

      await c.stores[0]!.put({ modelId: 'm', score: 0.5, layers: [makeLayer('a', 16, 1)] });
      expect((await raw.request(undefined, { kind: 'model', modelId: 'm' }))!.modelId).to.equal('m');
      const duplicate = await rejection(raw.request(undefined, { kind: 'put', model: { modelId: 'm', score: 0.1, layers: [makeLayer('b', 4)] } }));
      expect(duplicate).to.be.instanceOf(DuplicateModelError);
      expect(errorOrigin(duplicate)?.rank).to.equal(0);
    } finally {
      raw.close();
      older.close();
      stop();
      stopOld();
      for (const p of [port1, port2, oldPort1, oldPort2]) p.close();
      await c.close();
    }
  });

  it('fails a client request in flight with ClosedError when the port closes', async () => {
    const { port1, port2 } = new MessageChannel();
    const client = new StoreClient(port2);
    const pending = client.model('never answered');
    port1.close();
    const err = await rejection(pending);
    expect((err as { code?: string }).code).to.equal('ERR_CLOSED');
  });
});
