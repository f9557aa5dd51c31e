// test/transport/one-sided.test.ts: expose/get on the loopback: reads at offsets and at the
// region's edge, checked reads with the CRC-32C of ranges, and the errors for reads past the
// end or of released regions and for ranges past the read.

import { expect } from 'chai';
import { InvalidArgumentError } from 'graft';
import { createLoopbackCluster, RegionBoundsError, UnknownRegionError } from 'graft/transport';
import { crc32cOf } from 'graft/util';

describe('Transport#get() (loopback)', () => {
  const [owner, reader] = createLoopbackCluster(2);
  const data = new Uint8Array(10_000).map((_, i) => (i * 7) & 255);
  const region = owner!.expose(data);

  it('reads the right bytes at offsets, at the edge and with length 0', async () => {
    for (const [offset, length] of [[0, 10_000], [1, 4095], [9_999, 1], [10_000, 0], [4096, 4096]] as const) {
      const bytes = await reader!.get(region.ref, offset, length);
      expect(bytes).to.deep.equal(data.subarray(offset, offset + length));
    }
  });

  it('reads into a destination the caller gives, and refuses one too small', async () => {
    const into = new Uint8Array(300).fill(1);
    const view = await reader!.get(region.ref, 100, 200, into);
    expect(view.buffer).to.equal(into.buffer);
    expect(into.subarray(0, 200)).to.deep.equal(data.subarray(100, 300));
    expect(into[200]).to.equal(1);
    const err = await reader!.get(region.ref, 0, 400, into).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(InvalidArgumentError);
  });

  it('reports the CRC-32C of each range of a checked read, and refuses a range past the read', async () => {
    const ranges = [{ offset: 0, length: 1 }, { offset: 7, length: 3001 }, { offset: 5000, length: 0 }, { offset: 4000, length: 1000 }];
    const { bytes, crc32c } = await reader!.getChecked(region.ref, 1000, 5000, ranges);
    expect(bytes).to.deep.equal(data.subarray(1000, 6000));
    expect(crc32c).to.deep.equal(ranges.map((r) => crc32cOf(data.subarray(1000 + r.offset, 1000 + r.offset + r.length))));
    // The well-known check value of CRC-32C: '123456789' gives 0xE3069283.
    expect(crc32cOf(new TextEncoder().encode('123456789'))).to.equal(0xe3069283);
    const err = await reader!.getChecked(region.ref, 0, 100, [{ offset: 90, length: 11 }]).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(InvalidArgumentError);
  });

  it("reads this rank's own regions too", async () => {
    expect(await owner!.get(region.ref, 5, 3)).to.deep.equal(data.subarray(5, 8));
  });

  it("rejects a read past the region's end with RegionBoundsError", async () => {
    const err = await reader!.get(region.ref, 9_999, 2).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(RegionBoundsError).with.property('code', 'ERR_REGION_BOUNDS');
  });

  it('rejects a read of a released region with UnknownRegionError', async () => {
    const other = owner!.expose(new Uint8Array(8));
    other.release();
    const err = await reader!.get(other.ref, 0, 8).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(UnknownRegionError).with.property('code', 'ERR_UNKNOWN_REGION');
  });
});
