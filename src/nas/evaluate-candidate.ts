// nas/evaluate-candidate.ts: one candidate's evaluation, as a training actor runs it: build
// the model (seeded), find the donor sharing the longest prefix of layer ids, fetch and load
// its layers, train for the budget, score on validation, save the checkpoint for the top-K
// phase, and store the new layers (a frozen transferred layer is referenced, not copied).
// A donor that cannot be reached only means fewer transferred layers, never a failed
// candidate. Runs in any thread with tfjs loaded.

import type * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../train/index.js';
import { buildModel, extractLayers, loadLayers, saveModel, trainModel } from '../train/index.js';
import type { DonorMatch, LayerRecord, LayerRef, StoreClient } from '../store/index.js';
import { log } from '../util/log.js';
import type { EvaluationRecord } from './evaluation-record.js';
import { checkpointDir } from './run-files.js';
import type { EvaluationResult, EvaluationTask } from './evaluation-task.js';
import type { TransferMode, TransferPolicy } from './search-options.js';

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
}

export interface CandidateContext {
  settings: CandidateSettings;
  dataset: Dataset;
  /** The rank's layer store; null when transfer is off and nothing is stored. */
  layers: StoreClient | null;
  rank: number;
  actor: string;
}

export async function evaluateCandidate(ctx: CandidateContext, task: EvaluationTask): Promise<EvaluationResult> {
  const started = performance.now();
  const s = ctx.settings;
  const model = buildModel(task.architecture, { seed: s.seed });
  try {
    const weighted = model.layers.filter((l) => l.weights.length > 0).map((l) => l.name);
    const transfer: EvaluationRecord['transfer'] = {
      donorId: null, layersMatched: 0, layersTransferred: 0, layersSkipped: 0, bytesFetched: 0, fetchSeconds: 0, source: 'none',
    };
    const reusable = new Map<string, LayerRef>();
    if (s.transfer === 'prefix' && ctx.layers && weighted.length > 0) {
      await transferPrefix(ctx, model, weighted, transfer, reusable);
    }
    const budget = s.steps != null ? { steps: s.steps } : { epochs: s.epochs };
    const result = await trainModel(model, ctx.dataset, { ...budget, batchSize: s.batchSize, learningRate: s.learningRate, seed: s.seed });
    await saveModel(model, checkpointDir(s.out, task.id));
    if (ctx.layers && Number.isFinite(result.score)) {
      const records = extractLayers(model);
      // Only frozen layers are still exactly the donor's; fine-tuned ones are new weights.
      const layers: Array<LayerRecord | LayerRef> = records.map((r) => (s.transferMode === 'freeze' && reusable.get(r.layerId)) || r);
      await putOnce(ctx.layers, { modelId: String(task.id), score: result.score, layers });
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

async function transferPrefix(
  ctx: CandidateContext,
  model: tf.LayersModel,
  weighted: string[],
  transfer: EvaluationRecord['transfer'],
  reusable: Map<string, LayerRef>,
): Promise<void> {
  let match: DonorMatch | null;
  try {
    match = await ctx.layers!.donor(weighted);
  } catch (err) {
    log('warn', 'nas.transfer.query_failed', { error: err });
    return;
  }
  if (!match || match.matched === 0) return;
  transfer.donorId = Number(match.modelId);
  transfer.layersMatched = match.matched;
  try {
    const fetched = await ctx.layers!.fetch(match.layers);
    let report;
    try {
      report = loadLayers(model, fetched.layers, { mode: ctx.settings.transferMode });
    } finally {
      // Layers from this rank's memory are views of it, pinned until released: loading
      // copied them into the model, so let them go at once.
      fetched.release();
    }
    transfer.layersTransferred = report.loaded.length;
    transfer.layersSkipped = report.skipped.length + fetched.missing.length;
    transfer.bytesFetched = fetched.bytes;
    transfer.fetchSeconds = fetched.seconds;
    transfer.source = fetched.source;
    const loaded = new Set(report.loaded);
    for (const ref of match.layers) if (loaded.has(ref.layerId)) reusable.set(ref.layerId, ref);
  } catch (err) {
    // The candidate trains from its own initial weights instead.
    transfer.layersSkipped = match.matched;
    log('warn', 'nas.transfer.failed', { donor: match.modelId, error: err });
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
