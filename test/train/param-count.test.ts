// architectureParams(): the parameters of an architecture counted without building it agree
// with the built model's, for random candidates of every built-in space.

import { expect } from 'chai';
import { RandomSearch, builtinSpaces, toArchitecture } from 'graft/nas';
import { architectureParams, buildModel, countParams, selectBackend } from 'graft/train';

describe('architectureParams()', () => {
  before(async () => {
    await selectBackend();
  });

  for (const [name, inputShape] of [['mnist-mlp', [28, 28, 1]], ['mnist-cnn', [28, 28, 1]], ['attn', [40]], ['synthetic', [16]]] as const) {
    it(`counts what the built model holds, for ${name}`, () => {
      const space = builtinSpaces[name]!;
      const random = new RandomSearch(space, 3);
      for (let i = 0; i < 6; i++) {
        const arch = toArchitecture(space, random.propose().choices, { inputShape: [...inputShape], output: { units: 10, task: 'classification' } });
        const model = buildModel(arch, { seed: 1 });
        expect(architectureParams(arch)).to.equal(countParams(model));
        model.dispose();
      }
    });
  }
});
