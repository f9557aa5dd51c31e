// nas/topk-actor.ts: the top-K phase's training actor: loads the data and backend once, then
// trains one model per job to early stopping, from the candidate's NAS checkpoint or from
// scratch (same seed, same data, same batch order), and scores it on the test split.

import type * as tf from '@tensorflow/tfjs';
import { buildModel, evaluateModel, loadModel, selectBackend, trainModel } from '../train/index.js';
import type { Architecture, Dataset } from '../train/index.js';
import type { TopKRecord } from './evaluation-record.js';
import { loadSearchData, type DataRequest } from './load-data.js';
import { checkpointDir } from './run-files.js';

export interface TopKJob {
  id: number;
  start: TopKRecord['start'];
  architecture: Architecture;
}

export interface TopKTraining {
  maxEpochs: number;
  patience: number;
  minDelta: number;
  batchSize: number;
  learningRate: number;
  seed: number;
}

export interface TopKActorArgs {
  data: DataRequest;
  backend: string | null;
  /** The search's run directory, where the checkpoints are. */
  out: string;
  training: TopKTraining;
}

export class TopKActor {
  readonly #args: TopKActorArgs;
  readonly #ready: Promise<Dataset>;

  constructor(args: TopKActorArgs) {
    this.#args = args;
    this.#ready = (async () => {
      await selectBackend(args.backend ?? undefined);
      return loadSearchData(args.data);
    })();
    this.#ready.catch(() => {});
  }

  async ready(): Promise<void> {
    await this.#ready;
  }

  async train(job: TopKJob): Promise<TopKRecord> {
    const dataset = await this.#ready;
    const t = this.#args.training;
    const model: tf.LayersModel =
      job.start === 'checkpoint' ? await loadModel(checkpointDir(this.#args.out, job.id)) : buildModel(job.architecture, { seed: t.seed });
    try {
      const result = await trainModel(model, dataset, {
        epochs: t.maxEpochs,
        batchSize: t.batchSize,
        learningRate: t.learningRate,
        seed: t.seed,
        earlyStopping: { patience: t.patience, minDelta: t.minDelta, restoreBest: true },
      });
      return {
        kind: 'topk',
        id: job.id,
        start: job.start,
        epochs: result.epochs.length,
        seconds: result.seconds,
        testScore: evaluateModel(model, dataset, 'test').score,
        curve: result.epochs.map((m) => m.valScore),
      };
    } finally {
      model.dispose();
    }
  }
}
