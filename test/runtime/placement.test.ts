// The default placement policy, with invented ranks: explicit rank, spread, pack, no room.

import { expect } from 'chai';
import { defaultPlacement, PlacementError, type RankLoad } from 'graft/runtime';

function rank(n: number, over: Partial<RankLoad> = {}): RankLoad {
  return { rank: n, host: 'h', localRank: n, cpus: 4, gpus: [], memoryMB: 1000, used: { cpu: 0, gpu: 0, memoryMB: 0 }, actors: 0, ...over };
}

const none = { cpu: 0, gpu: 0, memoryMB: 0 };

describe('runtime: placement', () => {
  it('spreads to the rank with the fewest actors', () => {
    const ranks = [rank(0, { actors: 2 }), rank(1, { actors: 1 }), rank(2, { actors: 1 })];
    expect(defaultPlacement({ resources: none, strategy: 'spread' }, ranks)).to.equal(1);
  });

  it('packs onto the busiest rank that still fits', () => {
    const ranks = [rank(0, { actors: 1 }), rank(1, { actors: 3, used: { cpu: 4, gpu: 0, memoryMB: 0 } }), rank(2, { actors: 2 })];
    expect(defaultPlacement({ resources: { ...none, cpu: 1 }, strategy: 'pack' }, ranks)).to.equal(2);
  });

  it('honours an explicit rank, and refuses it when full', () => {
    const ranks = [rank(0), rank(1, { used: { cpu: 4, gpu: 0, memoryMB: 0 } })];
    expect(defaultPlacement({ resources: none, rank: 1, strategy: 'spread' }, ranks)).to.equal(1);
    expect(() => defaultPlacement({ resources: { ...none, cpu: 1 }, rank: 1, strategy: 'spread' }, ranks)).to.throw(PlacementError);
  });

  it('places GPU actors only where free GPUs are', () => {
    const ranks = [rank(0), rank(1, { gpus: ['0', '1'], used: { cpu: 0, gpu: 1, memoryMB: 0 }, actors: 5 })];
    expect(defaultPlacement({ resources: { ...none, gpu: 1 }, strategy: 'spread' }, ranks)).to.equal(1);
    expect(() => defaultPlacement({ resources: { ...none, gpu: 2 }, strategy: 'spread' }, ranks)).to.throw(PlacementError);
  });

  it('names what was asked and what each rank has free', () => {
    try {
      defaultPlacement({ resources: { cpu: 0, gpu: 0, memoryMB: 5000 }, strategy: 'spread' }, [rank(0)]);
      expect.fail('expected a PlacementError');
    } catch (err) {
      expect(err).to.be.instanceOf(PlacementError);
      expect((err as PlacementError).details).to.deep.include({ requested: { cpu: 0, gpu: 0, memoryMB: 5000 } });
      expect((err as PlacementError).details.free).to.deep.equal([{ rank: 0, cpu: 4, gpu: 0, memoryMB: 1000 }]);
    }
  });
});
