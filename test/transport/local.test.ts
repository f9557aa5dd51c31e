// test/transport/local.test.ts: the one-rank LocalTransport and the factory's choice of
// transport from the launcher's environment.

import { expect } from 'chai';
import { LocalTransport, launchedByMpi, openTransport } from 'graft/transport';

describe('LocalTransport', () => {
  it('is rank 0 of 1 and reports itself as local', () => {
    const t = new LocalTransport();
    expect([t.rank, t.size, t.info.kind, t.info.library, t.info.threadLevel]).to.deep.equal([0, 1, 'local', 'local', 'local']);
  });

  it('sends to itself and runs trivial collectives', async () => {
    const t = new LocalTransport();
    const got = new Promise<Uint8Array>((resolve) => t.subscribe(4, (_s, bytes) => resolve(bytes)));
    await t.send(0, 4, new Uint8Array([1, 2, 3]));
    expect([...(await got)]).to.deep.equal([1, 2, 3]);
    await t.barrier();
    expect((await t.allgather(new Uint8Array([5]))).map((b) => [...b])).to.deep.equal([[5]]);
    expect([...(await t.broadcast(0, new Uint8Array([6])))]).to.deep.equal([6]);
    await t.close();
  });
});

describe('openTransport() / launchedByMpi()', () => {
  it('recognises OpenMPI, PMI and PMIx launchers', () => {
    expect(launchedByMpi({})).to.equal(false);
    expect(launchedByMpi({ OMPI_COMM_WORLD_SIZE: '4' })).to.equal(true);
    expect(launchedByMpi({ PMI_SIZE: '4' })).to.equal(true);
    expect(launchedByMpi({ PMIX_RANK: '0' })).to.equal(true);
  });

  it('opens a LocalTransport when no launcher started the process', async function () {
    if (launchedByMpi()) this.skip(); // the suite itself runs under mpirun
    const t = await openTransport();
    expect(t).to.be.instanceOf(LocalTransport);
    await t.close();
  });
});
