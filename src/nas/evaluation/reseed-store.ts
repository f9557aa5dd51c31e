// nas/evaluation/reseed-store.ts: after a resume, the layer stores are empty (they live in memory), but
// every evaluated candidate left its checkpoint in the run directory. Putting the checkpoints
// of the current population back into the driver's store (the last P results, whose children
// the evolution proposes next, and the P best) lets the resumed search keep transferring
// from them instead of starting cold.

import { loadModel, extractLayers, selectBackend } from '../../train/index.js';
import type { LayerStore } from '../../store/index.js';
import { log } from '../../util/log.js';
import type { EvaluationRecord, JournalRecord } from '../run/evaluation-record.js';
import { modelIdOf } from './model-id.js';
import { checkpointDir } from '../run/run-files.js';

/** Puts back the checkpoints of up to 2·`keep` candidates; resolves to how many it stored. */
export async function reseedStore(store: LayerStore, out: string, records: readonly JournalRecord[], keep: number, backend: string | null): Promise<number> {
  const done = records.filter((r): r is EvaluationRecord => r.kind === 'evaluation' && Number.isFinite(r.score));
  if (done.length === 0) return 0;
  // A repeat has no checkpoint of its own: its first evaluation's stands for it.
  const first = new Map(done.filter((r) => r.repeatOf === undefined).map((r) => [r.id, r]));
  const checkpointOf = (r: EvaluationRecord): EvaluationRecord => (r.repeatOf !== undefined ? first.get(r.repeatOf) ?? r : r);
  const chosen = new Map<number, EvaluationRecord>();
  for (const r of done.slice(-keep).map(checkpointOf)) chosen.set(r.id, r);
  for (const r of [...first.values()].sort((a, b) => b.score - a.score).slice(0, keep)) chosen.set(r.id, r);
  await selectBackend(backend ?? undefined);
  let stored = 0;
  for (const r of [...chosen.values()].sort((a, b) => a.id - b.id)) {
    if (store.index.entry(modelIdOf(r.id))) continue;
    try {
      const model = await loadModel(checkpointDir(out, r.id));
      try {
        await store.put({ modelId: modelIdOf(r.id), score: r.score, layers: extractLayers(model) });
        stored++;
      } finally {
        model.dispose();
      }
    } catch (err) {
      // A missing or damaged checkpoint only means one donor fewer.
      log('warn', 'nas.reseed.skip', { id: r.id, error: err });
    }
  }
  log('info', 'nas.reseed', { stored, chosen: chosen.size });
  return stored;
}
