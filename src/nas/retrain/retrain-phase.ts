// nas/retrain/retrain-phase.ts: the frame of the phases that train a finished search's candidates
// again (the top-K phase, the paired scratch twins). Every rank reads the run's config and
// journal first, so a bad directory stops all alike; the driver then loads the data shape,
// spawns RetrainActors on every rank, and hands them jobs from one queue as they finish: the
// same locally and under mpirun. Each result is journaled once; a job whose actor failed goes
// back to the queue for any actor, up to three tries, and an actor that died twice leaves the
// rest to the others. Jobs whose record is already in the journal are not listed again by
// the phases, so a phase resumes.

import { join } from 'node:path';
import { init, type Remote } from '../../runtime/index.js';
import { openTransport } from '../../transport/index.js';
import { log, setLogFields } from '../../util/log.js';
import { resolveSearchSpace } from '../space/builtin-spaces.js';
import type { CandidateId, JournalRecord } from '../run/evaluation-record.js';
import { Journal, readJournal } from '../run/journal.js';
import { loadSearchData, type DataRequest } from '../evaluation/load-data.js';
import type { RetrainActor, RetrainActorArgs } from './retrain-actor.js';
import { kJournalFile, readSearchConfig } from '../run/run-files.js';
import { lockRunDir } from '../run/run-lock.js';
import type { SearchOptions } from '../run/search-options.js';
import type { SearchSpace } from '../space/search-space.js';
import { spawnOnEveryRank } from '../evaluation/spawn-actors.js';
import type { DataShape } from '../space/to-architecture.js';

export interface RetrainPhase<J, R extends JournalRecord> {
  /** The search's run directory. */
  dir: string;
  /** What the actors are, for messages: 'top-K', 'pairs'. */
  kind: string;
  /** Actors per rank; 0: one per GPU, 1 without GPUs. */
  actorsPerRank: number;
  /** Checked on every rank before the job starts (throws for a run it cannot work on). */
  check?(search: SearchOptions, records: readonly JournalRecord[]): void;
  /** The data the actors train on. */
  data(search: SearchOptions): DataRequest;
  /** The actors' settings besides data, backend and run directory. */
  settings(search: SearchOptions): Pick<RetrainActorArgs, 'topk' | 'search' | 'backend'>;
  /** The jobs still to run (not yet journaled). */
  jobs(search: SearchOptions, records: readonly JournalRecord[], space: SearchSpace, shape: DataShape): J[];
  run(actor: Remote<RetrainActor>, job: J): Promise<R>;
  /** Driver only: each result as it is journaled. */
  onRecord?(record: R): void;
}

export interface RetrainOutcome<J> {
  search: SearchOptions;
  /** The journal's records, with the ones this phase appended. */
  records: JournalRecord[];
  /** Jobs that failed on every try. */
  failed: J[];
}

const kActorModule = new URL('./retrain-actor.js', import.meta.url);
const kMaxAttempts = 3;

/** Runs the phase; resolves on the driver with the outcome, and with null on every other rank. */
export async function runRetrainPhase<J extends { id: CandidateId }, R extends JournalRecord>(p: RetrainPhase<J, R>): Promise<RetrainOutcome<J> | null> {
  const search = readSearchConfig(p.dir);
  const file = join(p.dir, kJournalFile);
  const { records, validLength } = readJournal(file);
  p.check?.(search, records);
  const transport = await openTransport();
  setLogFields({ rank: transport.rank });
  const runtime = await init({ transport });
  if (!runtime.isDriver) {
    await runtime.serve();
    return null;
  }
  try {
    const data = p.data(search);
    const dataset = await loadSearchData(data);
    const shape: DataShape = { inputShape: dataset.featureShape, output: { units: dataset.outputUnits, task: dataset.task } };
    const queue = p.jobs(search, records, resolveSearchSpace(search.space), shape).map((job) => ({ job, attempts: 0 }));
    const failed: J[] = [];
    const lock = lockRunDir(p.dir, p.kind.replace('-', '').toLowerCase());
    const journal = new Journal(file, validLength);
    try {
      if (queue.length > 0) {
        const args: RetrainActorArgs = { data, out: p.dir, ...p.settings(search) };
        const actors = await spawnOnEveryRank(runtime, {
          perRank: p.actorsPerRank,
          kind: p.kind,
          limit: queue.length,
          start: async ({ rank, resources }) => {
            const actor: Remote<RetrainActor> = await runtime.spawn<RetrainActor>(kActorModule, 'RetrainActor', [args], { rank, resources, maxRestarts: 1 });
            await actor.ready();
            return actor;
          },
        });
        await Promise.all(
          actors.map(async (actor) => {
            let deaths = 0;
            for (let item = queue.shift(); item; item = queue.shift()) {
              try {
                const record = await p.run(actor, item.job);
                journal.append(record);
                records.push(record);
                p.onRecord?.(record);
              } catch (err) {
                log('warn', 'nas.retrain.error', { kind: p.kind, job: item.job, attempt: item.attempts, error: err });
                if (++item.attempts < kMaxAttempts) queue.push(item);
                else failed.push(item.job);
                // An actor that died twice (past its restart) leaves the rest to the others.
                if ((err as { code?: unknown }).code === 'ERR_ACTOR_DIED' && ++deaths >= 2) return;
              }
            }
          }),
        );
        // Jobs left when every actor gave up count as failed.
        for (const item of queue.splice(0)) failed.push(item.job);
      }
    } finally {
      journal.close();
      lock.release();
    }
    return { search, records, failed };
  } finally {
    await runtime.shutdown();
  }
}
