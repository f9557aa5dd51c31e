// nas/evaluation/training-actor.ts: the training actor, one per worker thread on every rank (spawned
// through the runtime from rank 0). It loads the dataset and the tfjs backend once, then
// evaluates the candidates the search hands it, reaching its rank's layer store through a
// StoreClient. Nothing here knows ranks beyond the number it was given.

import { callSignal, init } from '../../runtime/index.js';
import { connectStore, type StoreClient } from '../../store/index.js';
import { selectBackend } from '../../train/index.js';
import type { Dataset } from '../../train/index.js';
import { log } from '../../util/log.js';
import { evaluateCandidate, type CandidateContext, type CandidateSettings } from './evaluate-candidate.js';
import type { EvaluationResult, EvaluationTask } from './evaluation-task.js';
import { loadSearchData, type DataRequest } from './load-data.js';

export interface TrainingActorArgs {
  settings: CandidateSettings;
  data: DataRequest;
  /** A tfjs backend to force, or null for the best that loads. */
  backend: string | null;
  rank: number;
  name: string;
  /** Whether a layer store serves this rank (it does when transfer is on). */
  useStore: boolean;
}

export class TrainingActor {
  readonly #ready: Promise<CandidateContext>;

  constructor(args: TrainingActorArgs) {
    this.#ready = TrainingActor.#init(args);
    // A failed start surfaces on the first evaluate; until then it must not count as unhandled.
    this.#ready.catch(() => {});
  }

  static async #init(args: TrainingActorArgs): Promise<CandidateContext> {
    await selectBackend(args.backend ?? undefined);
    const dataset: Dataset = await loadSearchData(args.data);
    const layers = args.useStore ? await TrainingActor.#store(args) : null;
    return { settings: args.settings, dataset, layers, rank: args.rank, actor: args.name };
  }

  /** The rank's layer store; without one, candidates still train, only without transfer. */
  static async #store(args: TrainingActorArgs): Promise<StoreClient | null> {
    try {
      return await connectStore(await init());
    } catch (err) {
      log('warn', 'nas.store.unreachable', { actor: args.name, rank: args.rank, error: err });
      return null;
    }
  }

  /** Resolves once the backend and data are loaded (lets the search time its start-up apart). */
  async ready(): Promise<string> {
    return (await this.#ready).actor;
  }

  /** Evaluates a candidate; the training stops at its next batch when the caller aborts the call. */
  async evaluate(task: EvaluationTask): Promise<EvaluationResult> {
    return evaluateCandidate(await this.#ready, task, callSignal());
  }
}
