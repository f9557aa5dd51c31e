// nas/evaluation/evaluate-candidate.ts: one candidate's evaluation, as a training actor runs it: build
// the model (seeded), choose the donor and its layers by the transfer rule (donor-rules.ts),
// fetch and load them, train for the budget, score on validation, save the checkpoint for the
// top-K phase, and store the new layers (a frozen layer taken whole under its own id is
// referenced, not copied). A candidate is never its own donor (an earlier attempt of it may
// be stored). A donor that cannot be reached only means fewer transferred layers, never a
// failed candidate. Runs in any thread with tfjs loaded.

import type * as tf from '@tensorflow/tfjs';
import type { Dataset, TrainOptions } from '../../train/index.js';
import { TrainingAbortedError, buildModel, countParams, extractLayers, loadLayers, saveModel, trainModel, weightedLayerShapes } from '../../train/index.js';
import type { LayerRecord, LayerRef, StoreClient } from '../../store/index.js';
import { log } from '../../util/log.js';
import { planTransfer, type CandidateLayer } from './donor-rules.js';
import { donorOf, modelIdOf } from './model-id.js';
import type { EvaluationRecord } from '../run/evaluation-record.js';
import { checkpointDir } from '../run/run-files.js';
import type { EvaluationResult, EvaluationTask } from './evaluation-task.js';
import type { TransferMode, TransferPolicy } from '../run/search-options.js';

export interface CandidateSettings {
  epochs: number;
  /** A budget in optimizer steps that replaces `epochs`; null or absent trains whole epochs. */
  steps?: number | null;
  batchSize: number;
  learningRate: number;
  seed: number;
  transfer: TransferPolicy;
  transferMode: TransferMode;
  /** Run directory: checkpoints go to `<out>/models/<id>/`. */
  out: string;
  /** Earlier searches whose models were loaded as donors (`--donors-from`), in order. */
  donorRuns?: string[];
}

export interface CandidateContext {
  settings: CandidateSettings;
  dataset: Dataset;
  /** The rank's layer store; null when transfer is off and nothing is stored. */
  layers: StoreClient | null;
  rank: number;
  actor: string;
}

/** How every candidate trains: the budget (epochs or steps), batch size, learning rate and seed. */
export function candidateTraining(s: Pick<CandidateSettings, 'epochs' | 'steps' | 'batchSize' | 'learningRate' | 'seed'>): TrainOptions {
  const budget = s.steps != null ? { steps: s.steps } : { epochs: s.epochs };
  return { ...budget, batchSize: s.batchSize, learningRate: s.learningRate, seed: s.seed };
}

export async function evaluateCandidate(ctx: CandidateContext, task: EvaluationTask, signal?: AbortSignal): Promise<EvaluationResult> {
  const started = performance.now();
  const s = ctx.settings;
  const model = buildModel(task.architecture, { seed: s.seed });
  try {
    const transfer: EvaluationRecord['transfer'] = {
      donorId: null, rule: s.transfer, layersMatched: 0, layersTransferred: 0, layersSkipped: 0,
      paramsTransferred: 0, paramsTotal: countParams(model), bytesFetched: 0, fetchSeconds: 0, source: 'none',
    };
    const reusable = new Map<string, LayerRef>();
    if (s.transfer !== 'none' && ctx.layers && model.layers.some((l) => l.weights.length > 0)) {
      await transferLayers(ctx, task, model, transfer, reusable);
    }
    const result = await trainModel(model, ctx.dataset, { ...candidateTraining(s), signal });
    // An attempt the driver gave up on must not replace the checkpoint of the one it records.
    if (signal?.aborted) throw new TrainingAbortedError(`evaluation ${task.id} was given up on`, { cause: signal.reason });
    await saveModel(model, checkpointDir(s.out, task.id));
    if (ctx.layers && Number.isFinite(result.score)) {
      const records = extractLayers(model);
      // Only frozen layers are still exactly the donor's; fine-tuned ones are new weights.
      const layers: Array<LayerRecord | LayerRef> = records.map((r) => (s.transferMode === 'freeze' && reusable.get(r.layerId)) || r);
      await putOnce(ctx.layers, { modelId: modelIdOf(task.id), score: result.score, layers });
    }
    return {
      score: result.score,
      valLoss: result.valLoss,
      epochs: result.epochsTrained,
      steps: result.steps,
      trainSeconds: result.seconds,
      totalSeconds: (performance.now() - started) / 1000,
      curve: result.epochs.map((e) => e.valScore),
      transfer,
      rank: ctx.rank,
      actor: ctx.actor,
      backend: result.backend,
    };
  } finally {
    model.dispose();
  }
}

/** The donor and its layers by the rule: the parent, or the longest shared prefix (with all its layers for shape rules). */
async function chooseDonor(ctx: CandidateContext, task: EvaluationTask, layers: CandidateLayer[]): Promise<{ modelId: string; matched: number; layers: LayerRef[] } | null> {
  const store = ctx.layers!;
  const rule = ctx.settings.transfer;
  if (rule === 'parent') {
    if (task.parent === null) return null;
    const parent = await store.model(modelIdOf(task.parent));
    if (!parent) return null;
    const ids = new Set(layers.map((l) => l.name));
    return { modelId: parent.modelId, matched: parent.layers.filter((l) => ids.has(l.layerId)).length, layers: parent.layers };
  }
  const match = await store.donor(layers.map((l) => l.name), [modelIdOf(task.id)]);
  if (!match || match.matched === 0) return null;
  if (rule === 'prefix') return match;
  const whole = await store.model(match.modelId);
  return { modelId: match.modelId, matched: match.matched, layers: whole?.layers ?? match.layers };
}

async function transferLayers(
  ctx: CandidateContext,
  task: EvaluationTask,
  model: tf.LayersModel,
  transfer: EvaluationRecord['transfer'],
  reusable: Map<string, LayerRef>,
): Promise<void> {
  const rule = ctx.settings.transfer as Exclude<typeof ctx.settings.transfer, 'none'>;
  const layers: CandidateLayer[] = weightedLayerShapes(model);
  let donor: Awaited<ReturnType<typeof chooseDonor>>;
  try {
    donor = await chooseDonor(ctx, task, layers);
  } catch (err) {
    log('warn', 'nas.transfer.query_failed', { error: err });
    return;
  }
  if (!donor) return;
  const plan = planTransfer(rule, layers, donor.layers);
  if (plan.refs.length === 0) return;
  Object.assign(transfer, donorOf(donor.modelId, ctx.settings.donorRuns ?? []));
  transfer.layersMatched = donor.matched;
  try {
    const fetchStart = new Date().toISOString();
    const fetched = await ctx.layers!.fetch(plan.refs);
    // Which copy of each layer the model got, and which were refused and why (a checksum that
    // failed is ERR_CHECKSUM_MISMATCH): what to read when a transfer looks wrong.
    log('info', 'nas.transfer.fetched', {
      id: task.id,
      donor: donor.modelId,
      fetchStart,
      layers: fetched.layers.map((l) => ({ home: l.home, layerId: l.layerId, source: l.source })),
      missing: fetched.missing.map((m) => ({ home: m.home, layerId: m.layerId, reason: m.reason })),
    });
    let report;
    try {
      report = loadLayers(model, fetched.layers, { mode: ctx.settings.transferMode, targets: plan.targets, partial: rule === 'partial' });
    } finally {
      // Layers from this rank's memory are views of it, pinned until released: loading
      // copied them into the model, so let them go at once.
      fetched.release();
    }
    transfer.layersTransferred = report.loaded.length + report.partial.length;
    transfer.layersSkipped = report.skipped.length + fetched.missing.length;
    transfer.paramsTransferred = report.paramsLoaded;
    transfer.bytesFetched = fetched.bytes;
    transfer.fetchSeconds = fetched.seconds;
    transfer.source = fetched.source;
    // A layer taken whole under its own id is the donor's layer: a frozen one is stored as a reference.
    const loaded = new Set(report.loaded);
    for (const ref of plan.refs) if (plan.targets.get(ref.layerId) === ref.layerId && loaded.has(ref.layerId)) reusable.set(ref.layerId, ref);
  } catch (err) {
    // The candidate trains from its own initial weights instead.
    transfer.layersSkipped = plan.refs.length;
    log('warn', 'nas.transfer.failed', { donor: donor.modelId, error: err });
  }
}

/**
 * Stores the model. One already stored (by an earlier try of the same candidate) stays; a
 * store that fails costs later candidates a donor, not this candidate its result.
 */
async function putOnce(store: StoreClient, model: { modelId: string; score: number; layers: Array<LayerRecord | LayerRef> }): Promise<void> {
  try {
    await store.put(model);
  } catch (err) {
    if ((err as { code?: string }).code !== 'ERR_DUPLICATE_MODEL') log('warn', 'nas.store.put_failed', { modelId: model.modelId, error: err });
  }
}
