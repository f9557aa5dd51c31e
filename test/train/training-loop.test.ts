// test/train/training-loop.test.ts: trainModel's behaviour: MNIST accuracy after one epoch,
// regression R², early stopping with restore-best, cancellation, option checks, and no leaked
// tensors after 100 models.

import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError } from 'graft';
import {
  TrainingAbortedError, buildModel, evaluateModel, loadMnist, makeSyntheticDataset, selectBackend, trainModel,
  type Architecture, type EpochMetrics,
} from 'graft/train';
import { mlp, skipNet } from './arch-fixtures.js';

describe('trainModel()', () => {
  before(async () => {
    await selectBackend();
  });

  it('takes an MLP past 90% validation accuracy in one epoch on 10,000 MNIST samples', async () => {
    const mnist = await loadMnist({ trainSize: 10_000, validationSize: 2_000, testSize: 1_000, flat: true, seed: 1 });
    const model = buildModel(mlp(784, [128]), { seed: 1 });
    const result = await trainModel(model, mnist, { epochs: 1, batchSize: 32, learningRate: 2e-3 });
    expect(result.epochs).to.have.length(1);
    expect(result.epochs[0].steps).to.equal(Math.ceil(10_000 / 32));
    expect(result.score).to.be.above(0.9);
    expect(evaluateModel(model, mnist, 'test').score).to.be.above(0.85);
    model.dispose();
  });

  it('fits a regression task and scores it by R²', async () => {
    const data = makeSyntheticDataset({ task: 'regression', samples: 600, featureShape: [8], outputs: 2, seed: 3 });
    const arch: Architecture = { ...mlp(8, [32]), output: { units: 2, task: 'regression' } };
    const model = buildModel(arch, { seed: 1 });
    const result = await trainModel(model, data, { epochs: 20, batchSize: 32, learningRate: 1e-2 });
    expect(result.score).to.be.above(0.8);
    expect(result.epochs.at(-1)!.valLoss).to.be.below(result.epochs[0].valLoss);
    model.dispose();
  });

  it('stops early after `patience` epochs without improvement and restores the best weights', async () => {
    const data = makeSyntheticDataset({ samples: 300, featureShape: [8], outputs: 3, seed: 4, noise: 2 });
    const model = buildModel(mlp(8, [64, 64], 3), { seed: 1 });
    const seen: EpochMetrics[] = [];
    // A learning rate this large makes validation loss wander, so improvement stalls quickly.
    const result = await trainModel(model, data, {
      epochs: 60, batchSize: 8, optimizer: 'sgd', learningRate: 0.5,
      earlyStopping: { patience: 2, minDelta: 0.01, restoreBest: true },
      onEpoch: (m) => { seen.push(m); },
    });
    expect(result.stoppedEarly).to.equal(true);
    expect(result.epochs.length).to.be.below(60);
    expect(seen).to.deep.equal(result.epochs);
    expect(result.epochs.length - 1 - result.bestEpoch).to.be.at.least(2);
    // The model holds the best epoch's weights: evaluating it again gives that epoch's figures.
    const again = evaluateModel(model, data, 'validation');
    expect(again.loss).to.be.closeTo(result.epochs[result.bestEpoch].valLoss, 1e-5);
    expect(result.score).to.equal(result.epochs[result.bestEpoch].valScore);
    model.dispose();
  });

  it('rejects with TrainingAbortedError when its signal fires, leaking nothing', async () => {
    const data = makeSyntheticDataset({ samples: 2000, seed: 5 });
    const model = buildModel(mlp(16, [16], 4));
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('stop')), 5);
    const err = await trainModel(model, data, { epochs: 1000, batchSize: 4, signal: controller.signal }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(TrainingAbortedError);
    expect((err as TrainingAbortedError).code).to.equal('ERR_TRAINING_ABORTED');
    expect(tf.memory().numTensors).to.equal(before);
    model.dispose();
  });

  it('rejects bad options and data that does not fit the model', async () => {
    const data = makeSyntheticDataset({ samples: 50 });
    const model = buildModel(mlp(16, [4], 4));
    for (const options of [{ epochs: 0 }, { batchSize: 1.5 }, { optimizer: 'adamw' as 'adam' }, { learningRate: -1 }, { earlyStopping: { patience: -1 } }]) {
      await trainModel(model, data, options).then(() => expect.fail('resolved'), (e: unknown) => expect(e).to.be.instanceOf(InvalidArgumentError));
    }
    const wrong = makeSyntheticDataset({ samples: 50, featureShape: [15] });
    await trainModel(model, wrong).then(() => expect.fail('resolved'), (e: unknown) => expect(e).to.be.instanceOf(InvalidArgumentError));
    model.dispose();
  });

  it('leaves tf.memory().numTensors where it started after 100 models built, trained and disposed', async function () {
    this.timeout(120_000);
    const data = makeSyntheticDataset({ samples: 40, featureShape: [8], outputs: 3, seed: 6 });
    const optimizers = ['sgd', 'momentum', 'adam', 'rmsprop', 'adagrad'] as const;
    const archs = [mlp(8, [4], 3), { ...skipNet(8), output: { units: 3, task: 'classification' as const } }];
    const start = tf.memory().numTensors;
    for (let i = 0; i < 100; i++) {
      const model = buildModel(archs[i % 2], { seed: i });
      await trainModel(model, data, {
        epochs: 2, batchSize: 16, optimizer: optimizers[i % optimizers.length],
        earlyStopping: { patience: 0, restoreBest: true },
      });
      model.dispose();
    }
    expect(tf.memory().numTensors).to.equal(start);
  });
});
