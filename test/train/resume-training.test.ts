// test/train/resume-training.test.ts: a training stopped with its state (steps, optimizer
// variables), written to disk with the model and continued from there ends with the same
// weights as one that never stopped: for whole epochs and mid-epoch, with dropout, for
// optimizers with and without state of their own. A resume past the budget is refused.

import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError } from 'graft';
import {
  buildModel, loadModel, makeSyntheticDataset, readTrainingState, saveModel, selectBackend, trainModel, writeTrainingState,
  type Architecture, type OptimizerName,
} from 'graft/train';
import { mlp } from './arch-fixtures.js';

// 100 training samples in batches of 20: five steps per epoch.
const data = makeSyntheticDataset({ samples: 125, validationFraction: 0.12, testFraction: 0.08, featureShape: [8], outputs: 3, seed: 4 });

/** An MLP with dropout between its layers, so the masks must line up too. */
function droppedMlp(): Architecture {
  const arch = mlp(8, [16, 12], 3);
  arch.nodes.splice(1, 0, { name: 'drop', op: { op: 'dropout', rate: 0.3 }, inputs: ['h0'] });
  arch.nodes[2] = { ...arch.nodes[2]!, inputs: ['drop'] };
  return arch;
}

function weightsOf(model: tf.LayersModel): number[][] {
  return model.getWeights().map((w) => Array.from(w.dataSync()));
}

describe('trainModel() continued from a saved training state', () => {
  let dir: string;
  before(async () => {
    await selectBackend();
  });
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'graft-resume-train-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  for (const optimizer of ['adam', 'momentum', 'sgd'] as OptimizerName[]) {
    for (const [label, first, total] of [
      ['whole epochs (1 then 3)', { epochs: 1 }, { epochs: 3 }],
      ['mid-epoch (7 then 13 steps)', { steps: 7 }, { steps: 13 }],
    ] as const) {
      it(`${optimizer}, ${label}: the same weights as an unbroken training`, async () => {
        const common = { batchSize: 20, learningRate: 1e-2, optimizer, seed: 11 };
        const straight = buildModel(droppedMlp(), { seed: 3 });
        const unbroken = await trainModel(straight, data, { ...common, ...total });

        const stopped = buildModel(droppedMlp(), { seed: 3 });
        const part = await trainModel(stopped, data, { ...common, ...first, keepState: true });
        expect(part.state?.steps).to.equal(part.steps);
        await saveModel(stopped, dir);
        await writeTrainingState(part.state!, dir);
        stopped.dispose();

        const loaded = await loadModel(dir);
        const state = await readTrainingState(dir);
        const rest = await trainModel(loaded, data, { ...common, ...total, resume: state });
        expect(part.steps + rest.steps).to.equal(unbroken.steps);
        expect(weightsOf(loaded)).to.deep.equal(weightsOf(straight));
        expect(rest.valLoss).to.equal(unbroken.valLoss);
        // Without the optimizer's variables the same steps end elsewhere (adam, momentum).
        if (optimizer !== 'sgd') {
          const forgetful = await loadModel(dir);
          await trainModel(forgetful, data, { ...common, ...total, resume: { steps: state.steps, optimizer: [] } });
          expect(weightsOf(forgetful)).to.not.deep.equal(weightsOf(straight));
          forgetful.dispose();
        }
        straight.dispose();
        loaded.dispose();
      });
    }
  }

  it('refuses to continue a training that has used its whole budget', async () => {
    const model = buildModel(mlp(8, [16], 3), { seed: 1 });
    const done = await trainModel(model, data, { epochs: 2, batchSize: 20, keepState: true });
    const err = await trainModel(model, data, { epochs: 2, batchSize: 20, resume: done.state }).then(() => null, (e: unknown) => e);
    expect(err).to.be.instanceOf(InvalidArgumentError);
    expect((err as Error).message).to.contain('10 steps already');
    model.dispose();
  });
});
