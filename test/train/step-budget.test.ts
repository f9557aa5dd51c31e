// test/train/step-budget.test.ts: trainModel's budget in optimizer steps: it stops after that
// many batches, validating where it stops (mid-epoch too), reports the fractional epochs, and
// refuses a budget given both ways.

import { expect } from 'chai';
import { InvalidArgumentError } from 'graft';
import { buildModel, evaluateModel, makeSyntheticDataset, selectBackend, trainModel } from 'graft/train';
import { mlp } from './arch-fixtures.js';

// 100 samples in batches of 20: five steps per epoch.
const data = makeSyntheticDataset({ samples: 125, validationFraction: 0.12, testFraction: 0.08, featureShape: [8], outputs: 3, seed: 2 });

describe('trainModel() with a budget in steps', () => {
  before(async () => {
    await selectBackend();
  });

  it('stops after the given number of steps and validates where it stopped', async () => {
    expect(data.train.count).to.equal(100);
    const model = buildModel(mlp(8, [16], 3), { seed: 1 });
    const result = await trainModel(model, data, { steps: 7, batchSize: 20, learningRate: 1e-2 });
    expect(result.steps).to.equal(7);
    expect(result.epochs.map((e) => e.steps)).to.deep.equal([5, 2]);
    expect(result.epochsTrained).to.be.closeTo(1.4, 1e-12);
    expect(evaluateModel(model, data, 'validation').loss).to.be.closeTo(result.valLoss, 1e-5);
    expect(result.valLoss).to.equal(result.epochs[1].valLoss);
    model.dispose();
  });

  it('ends on a whole epoch when the steps fill it exactly', async () => {
    const model = buildModel(mlp(8, [16], 3), { seed: 1 });
    const result = await trainModel(model, data, { steps: 10, batchSize: 20 });
    expect(result.epochs.map((e) => e.steps)).to.deep.equal([5, 5]);
    expect(result.epochsTrained).to.equal(2);
    model.dispose();
  });

  it('reports whole epochs and their steps under an epoch budget', async () => {
    const model = buildModel(mlp(8, [16], 3), { seed: 1 });
    const result = await trainModel(model, data, { epochs: 2, batchSize: 30 });
    expect(result.steps).to.equal(8);
    expect(result.epochsTrained).to.equal(2);
    model.dispose();
  });

  it('refuses epochs and steps together, and steps that are not a positive integer', async () => {
    const model = buildModel(mlp(8, [16], 3), { seed: 1 });
    try {
      for (const options of [{ epochs: 1, steps: 3 }, { steps: 0 }, { steps: 2.5 }]) {
        const err = await trainModel(model, data, options).then(() => null, (e: unknown) => e);
        expect(err, JSON.stringify(options)).to.be.instanceOf(InvalidArgumentError);
      }
    } finally {
      model.dispose();
    }
  });
});
