// Network keys: choice vectors that build the same network (differing only where nothing is
// built, like the skip bits of an identity node) share a key; any change to a built layer
// gives another key.

import { expect } from 'chai';
import { builtinSpaces, networkKey, vectorKey } from 'graft/nas';

describe('networkKey()', () => {
  const space = builtinSpaces['synthetic']!;
  const key = networkKey(space, { inputShape: [16], output: { units: 4, task: 'classification' } });

  it('gives vectors that build the same network one key, and other networks other keys', () => {
    // Every node identity: the skip bits connect nothing new.
    expect(key([0, 0, 0, 0, 0, 0])).to.equal(key([0, 0, 0, 0, 0, 1]));
    expect(key([0, 0, 0, 0, 0, 0])).to.not.equal(key([1, 0, 0, 0, 0, 0]));
    expect(key([1, 0, 2, 0, 3, 0])).to.not.equal(key([1, 0, 2, 0, 3, 1]));
    expect(vectorKey([0, 0, 0, 0, 0, 0])).to.not.equal(vectorKey([0, 0, 0, 0, 0, 1]));
  });

  it('keys a vector that builds nothing as the vector itself', () => {
    expect(key([9, 9])).to.equal(vectorKey([9, 9]));
  });
});
