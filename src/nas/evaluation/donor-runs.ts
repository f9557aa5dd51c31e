// nas/evaluation/donor-runs.ts: donors from earlier searches (`--donors-from DIR[,DIR…]`). Each earlier
// run's best distinct architectures are loaded from their checkpoints into the driver rank's
// layer store, with their layer ids, under model ids that name the run, so a new search (another
// seed, a widened space, another budget) starts from everything trained before: its candidates
// take their layers, and those of the architectures that are valid in the new space open its
// initial population (as Ray Tune's points_to_evaluate or Optuna's enqueued trials do), where
// each continues from its earlier copy. A run whose
// input shape, outputs or task differ from this search's is refused before any work. Their
// models are kept by retention for the whole search.

import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InvalidArgumentError } from '../../errors.js';
import type { LayerStore } from '../../store/index.js';
import { extractLayers, loadModel, selectBackend } from '../../train/index.js';
import { log } from '../../util/log.js';
import type { EvaluationRecord } from '../run/evaluation-record.js';
import { readJournal } from '../run/journal.js';
import { checkpointDir, kConfigFile, kJournalFile, readSearchConfig } from '../run/run-files.js';
import type { DataShape } from '../space/to-architecture.js';
import { checkVector, type SearchSpace } from '../space/search-space.js';
import { vectorKey } from '../space/network-key.js';
import { externalModelId } from './model-id.js';

/** Models loaded from each earlier run: its best distinct architectures, at most this many. */
export const kDonorsPerRun = 24;

interface DonorRun {
  dir: string;
  best: EvaluationRecord[];
}

function refuse(dir: string, why: string): never {
  throw new InvalidArgumentError(`--donors-from ${dir}: ${why}`, { details: { option: 'donorsFrom', dir } });
}

/** Reads each run's journal and picks its best distinct architectures; refuses a directory that is not a finished search. */
export function readDonorRuns(dirs: readonly string[], task: string): DonorRun[] {
  return dirs.map((dir) => {
    if (!existsSync(join(dir, kJournalFile))) refuse(dir, `no ${kJournalFile}: not a search run directory`);
    let config: { task?: string };
    try {
      config = readSearchConfig(dir);
    } catch {
      refuse(dir, `cannot read ${kConfigFile}: not a search run directory`);
    }
    const runTask = config.task ?? 'classification';
    if (runTask !== task) refuse(dir, `it is a ${runTask} search, this one is ${task}`);
    const evaluations = readJournal(join(dir, kJournalFile)).records.filter(
      (r): r is EvaluationRecord => r.kind === 'evaluation' && r.repeatOf === undefined && Number.isFinite(r.score),
    );
    if (evaluations.length === 0) refuse(dir, 'it has no evaluated candidate');
    const byArch = new Map<string, EvaluationRecord>();
    for (const r of [...evaluations].sort((a, b) => b.score - a.score || a.id - b.id)) {
      if (!byArch.has(vectorKey(r.choices))) byArch.set(vectorKey(r.choices), r);
    }
    return { dir: resolve(dir), best: [...byArch.values()].slice(0, kDonorsPerRun) };
  });
}

/**
 * The earlier runs' best architectures that are valid vectors of `space`, best first, taking
 * one from each run in turn (the evolution uses at most half a population of them).
 */
export function warmStartArchs(space: SearchSpace, runs: readonly DonorRun[]): number[][] {
  const valid = runs.map((r) => r.best.filter((e) => checkVector(space, e.choices) === null).map((e) => e.choices));
  const out: number[][] = [];
  for (let k = 0; valid.some((v) => k < v.length); k++) for (const v of valid) if (k < v.length) out.push(v[k]!);
  return out;
}

/**
 * Puts each run's chosen checkpoints into `store`; resolves to the model ids stored. The first
 * checkpoint of each run is checked against this search's input shape and outputs.
 */
export async function loadDonorRuns(store: LayerStore, runs: readonly DonorRun[], shape: DataShape, backend: string | null): Promise<string[]> {
  await selectBackend(backend ?? undefined);
  const stored: string[] = [];
  for (const [index, run] of runs.entries()) {
    let checked = false;
    for (const r of run.best) {
      let model;
      try {
        model = await loadModel(checkpointDir(run.dir, r.id));
      } catch (err) {
        // A missing or damaged checkpoint only means one donor fewer.
        log('warn', 'nas.donors_from.skip', { dir: run.dir, id: r.id, error: err });
        continue;
      }
      try {
        if (!checked) {
          const input = (model.inputs[0]!.shape as number[]).slice(1);
          const output = (model.outputs[0]!.shape as number[]).slice(1);
          if (input.join() !== shape.inputShape.join()) refuse(run.dir, `its models take input [${input}], this search's data is [${shape.inputShape}]`);
          if (output.join() !== String(shape.output.units)) refuse(run.dir, `its models have ${output} outputs, this search's data has ${shape.output.units}`);
          checked = true;
        }
        const modelId = externalModelId(index, r.id);
        await store.put({ modelId, score: r.score, layers: extractLayers(model) });
        stored.push(modelId);
      } finally {
        model.dispose();
      }
    }
    log('info', 'nas.donors_from', { dir: run.dir, stored: stored.length });
  }
  return stored;
}
