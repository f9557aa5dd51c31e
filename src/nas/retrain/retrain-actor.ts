// nas/retrain/retrain-actor.ts: the actor of the phases that train a finished search's candidates
// again: the top-K phase (fully, to early stopping, from the candidate's NAS checkpoint or
// from scratch with the same seed, data and batch order, scored on the test split) and the
// paired measurement (a scratch twin at the search's own budget, trained exactly as a search
// without transfer would have trained it). Loads the data and backend once.

import type * as tf from '@tensorflow/tfjs';
import { buildModel, evaluateModel, loadModel, selectBackend, trainModel } from '../../train/index.js';
import type { Architecture, Dataset } from '../../train/index.js';
import { candidateTraining, type CandidateSettings } from '../evaluation/evaluate-candidate.js';
import type { CandidateId, PairRecord, TopKRecord } from '../run/evaluation-record.js';
import { loadSearchData, type DataRequest } from '../evaluation/load-data.js';
import { checkpointDir } from '../run/run-files.js';

export interface TopKJob {
  id: CandidateId;
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

export interface TwinJob {
  id: CandidateId;
  architecture: Architecture;
}

export interface RetrainActorArgs {
  data: DataRequest;
  backend: string | null;
  /** The search's run directory, where the checkpoints are. */
  out: string;
  /** The top-K phase's training; absent in the paired phase. */
  topk?: TopKTraining;
  /** The search's own per-candidate training, for scratch twins; absent in the top-K phase. */
  search?: Pick<CandidateSettings, 'epochs' | 'steps' | 'batchSize' | 'learningRate' | 'seed'>;
}

export class RetrainActor {
  readonly #args: RetrainActorArgs;
  readonly #ready: Promise<Dataset>;

  constructor(args: RetrainActorArgs) {
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

  /** One top-K training. A checkpoint saved with frozen layers trains whole, as scratch does. */
  async train(job: TopKJob): Promise<TopKRecord> {
    const dataset = await this.#ready;
    const t = this.#args.topk!;
    const model: tf.LayersModel =
      job.start === 'checkpoint' ? await loadModel(checkpointDir(this.#args.out, job.id)) : buildModel(job.architecture, { seed: t.seed });
    try {
      for (const layer of model.layers) layer.trainable = true;
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

  /** The scratch twin of candidate `job.id`: built and trained as a search without transfer would. */
  async twin(job: TwinJob): Promise<PairRecord> {
    const dataset = await this.#ready;
    const s = this.#args.search!;
    const model = buildModel(job.architecture, { seed: s.seed });
    try {
      const result = await trainModel(model, dataset, candidateTraining(s));
      return {
        kind: 'pair',
        id: job.id,
        score: result.score,
        valLoss: result.valLoss,
        epochs: result.epochsTrained,
        steps: result.steps,
        trainSeconds: result.seconds,
        curve: result.epochs.map((e) => e.valScore),
      };
    } finally {
      model.dispose();
    }
  }
}
