// nas/space/network-key.ts: what makes two choice vectors the same network. Vectors can differ where
// the difference builds nothing (the skip bits of a node whose op is identity, say); the
// sequence of layer ids of the built model names the network itself (a layer's id hashes its
// config and its whole upstream sub-graph). Repeats and the top-K's distinct models are
// decided by this key.

import { layerIds } from '../../train/index.js';
import type { SearchSpace } from './search-space.js';
import { toArchitecture, type DataShape } from './to-architecture.js';

export type NetworkKey = (choices: readonly number[]) => string;

/** The key of the network a vector builds in `space` for data of `shape`; a vector that builds nothing keys as itself. */
export function networkKey(space: SearchSpace, shape: DataShape): NetworkKey {
  // A search asks again for the same vectors (a claim, then its result): hash each once.
  const known = new Map<string, string>();
  return (choices) => {
    const vector = choices.join(',');
    let key = known.get(vector);
    if (key === undefined) {
      try {
        key = layerIds(toArchitecture(space, [...choices], shape)).map((l) => l.layerId).join(',');
      } catch {
        key = `vector:${vector}`;
      }
      known.set(vector, key);
    }
    return key;
  };
}

/** The vector itself: for code that has no space at hand. */
export const vectorKey: NetworkKey = (choices) => `vector:${choices.join(',')}`;
