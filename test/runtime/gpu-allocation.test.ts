// GPU inventory and allocation with invented inventories: parsing, narrowing, one device per
// GPU actor, visibility inside the actor, and a clear placement error when too many are asked.

import { expect } from 'chai';
import { InvalidArgumentError } from 'graft';
import {
  detectGpuInventory,
  GpuAllocator,
  parseNvidiaSmiList,
  parseVisibleDevices,
  PlacementError,
  type Remote,
} from 'graft/runtime';
import type { Counter } from '../fixtures/runtime/actors.js';
import { actorsUrl, startJob } from './cluster.js';

const kSmi = 'GPU 0: NVIDIA H100 80GB HBM3 (UUID: GPU-aaa)\nGPU 1: NVIDIA H100 80GB HBM3 (UUID: GPU-bbb)\n';

describe('runtime: GPU inventory', () => {
  it('reads CUDA_VISIBLE_DEVICES, where empty, -1 and NoDevFiles hide devices', () => {
    expect(parseVisibleDevices(undefined)).to.equal(undefined);
    expect(parseVisibleDevices('2,3')).to.deep.equal(['2', '3']);
    expect(parseVisibleDevices('GPU-aaa, GPU-bbb')).to.deep.equal(['GPU-aaa', 'GPU-bbb']);
    expect(parseVisibleDevices('')).to.deep.equal([]);
    expect(parseVisibleDevices('-1')).to.deep.equal([]);
    expect(parseVisibleDevices('NoDevFiles')).to.deep.equal([]);
    expect(parseVisibleDevices('0,-1,2')).to.deep.equal(['0']);
  });

  it('reads `nvidia-smi -L`', () => {
    expect(parseNvidiaSmiList(kSmi)).to.deep.equal(['0', '1']);
    expect(parseNvidiaSmiList('No devices found\n')).to.deep.equal([]);
  });

  it('prefers the scheduler’s grant over nvidia-smi, which it then never asks', () => {
    let asked = false;
    const smi = () => {
      asked = true;
      return kSmi;
    };
    expect(detectGpuInventory({ visibleDevices: '3', nvidiaSmi: smi })).to.deep.equal(['3']);
    expect(asked).to.equal(false);
    expect(detectGpuInventory({ nvidiaSmi: smi })).to.deep.equal(['0', '1']);
    expect(detectGpuInventory({ nvidiaSmi: () => undefined })).to.deep.equal([]);
  });

  it('narrows with an override but never widens', () => {
    expect(detectGpuInventory({ visibleDevices: '4,5,6', override: 2 })).to.deep.equal(['4', '5']);
    expect(detectGpuInventory({ visibleDevices: '4,5,6', override: ['6'] })).to.deep.equal(['6']);
    expect(() => detectGpuInventory({ visibleDevices: '4', override: 2 })).to.throw(InvalidArgumentError);
    expect(() => detectGpuInventory({ visibleDevices: '4', override: ['5'] })).to.throw(InvalidArgumentError);
    expect(() => detectGpuInventory({ visibleDevices: '', override: 1 })).to.throw(InvalidArgumentError);
    // Nothing known (no scheduler grant, no nvidia-smi): the configuration is the inventory.
    expect(detectGpuInventory({ nvidiaSmi: () => undefined, override: ['a', 'b'] })).to.deep.equal(['a', 'b']);
  });

  it('gives each actor its own devices and takes them back', () => {
    const gpus = new GpuAllocator(['0', '1', '2']);
    expect(gpus.allocate(1, 1)).to.deep.equal(['0']);
    expect(gpus.allocate(2, 2)).to.deep.equal(['1', '2']);
    expect(() => gpus.allocate(3, 1)).to.throw(PlacementError);
    gpus.release(1);
    expect(gpus.free).to.equal(1);
    expect(gpus.allocate(3, 1)).to.deep.equal(['0']);
    expect(gpus.allocate(4, 0)).to.deep.equal([]);
  });
});

describe('runtime: GPU actors', () => {
  it('pins one device per GPU actor, visible in the actor, and refuses one GPU too many', async function () {
    // Rank 0 has no GPUs, rank 1 has two invented ones (nothing here is a real GPU).
    const job = await startJob(2, (rank) => ({ gpus: rank === 1 ? ['7', '9'] : [] }));
    try {
      const a = await job.driver.spawn<Counter>(actorsUrl, 'Counter', [], { resources: { gpu: 1 } });
      const b = await job.driver.spawn<Counter>(actorsUrl, 'Counter', [], { resources: { gpu: 1 } });
      const seen = [await a.whoAmI(), await b.whoAmI()];
      expect(seen.map((s) => s.rank)).to.deep.equal([1, 1]);
      expect(seen.map((s) => s.gpus[0]).sort()).to.deep.equal(['7', '9']);
      for (const s of seen) expect(s.env).to.equal(s.gpus.join(','));
      let err: unknown;
      try {
        await job.driver.spawn(actorsUrl, 'Counter', [], { resources: { gpu: 1 } });
      } catch (e) {
        err = e;
      }
      expect(err).to.be.instanceOf(PlacementError);
      expect((err as PlacementError).code).to.equal('ERR_PLACEMENT');
      let tooMany: unknown;
      try {
        await job.driver.spawn(actorsUrl, 'Counter', [], { resources: { gpu: 3 } });
      } catch (e) {
        tooMany = e;
      }
      expect(tooMany).to.be.instanceOf(PlacementError);
      expect((tooMany as PlacementError).details).to.have.property('free');
      // A freed device goes to the next GPU actor.
      await job.driver.kill(a as Remote<unknown>);
      let c: Remote<Counter> | undefined;
      for (let i = 0; i < 100 && !c; i++) {
        c = await job.driver.spawn<Counter>(actorsUrl, 'Counter', [], { resources: { gpu: 1 } }).catch(() => undefined);
        if (!c) await new Promise((r) => setTimeout(r, 10));
      }
      expect((await c!.whoAmI()).gpus).to.deep.equal(seen[0]!.gpus);
    } finally {
      await job.stop();
    }
  });
});
