// nas/search/search-run.ts: one search job, the same code on every rank. Every rank opens the
// transport, joins the runtime and (with transfer on) starts its layer store; the driver
// (rank 0) loads the data shape, checks the space against it, opens the run directory,
// spawns the training actors on every rank and runs the search loop; the other ranks serve
// until the driver shuts the job down. Whatever happens, the driver closes the stores and
// shuts the runtime down, so no rank is left waiting.

import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { totalmem } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError } from '../../errors.js';
import { init, kCallOptions, type Remote, type Runtime } from '../../runtime/index.js';
import { openTransport, type Transport } from '../../transport/index.js';
import { log, setLogFields, setLogFile } from '../../util/log.js';
import { resolveSearchSpace } from '../space/builtin-spaces.js';
import type { JournalRecord, StartRecord } from '../run/evaluation-record.js';
import type { EvaluationActor } from '../evaluation/evaluation-task.js';
import { Journal, readJournal } from '../run/journal.js';
import { loadSearchData } from '../evaluation/load-data.js';
import { checkSpaceFits } from '../space/parse-space.js';
import { RankStores } from '../../store/index.js';
import { RetentionPolicy } from './retention.js';
import { reseedStore } from '../evaluation/reseed-store.js';
import { loadDonorRuns, readDonorRuns, warmStartArchs } from '../evaluation/donor-runs.js';
import { ResultsCsv } from '../run/results-csv.js';
import { runSearchDriver, type Progress, type SearchSummary } from './search-driver.js';
import { defaultMaxParams, donorDirs, type SearchOptions } from '../run/search-options.js';
import { CandidateTooLargeError } from '../errors.js';
import { architectureParams, type Architecture } from '../../train/index.js';
import { AgingEvolution } from './aging-evolution.js';
import { RandomSearch } from './random-search.js';
import type { SearchStrategy } from './strategy.js';
import type { SearchSpace } from '../space/search-space.js';
import { spawnOnEveryRank } from '../evaluation/spawn-actors.js';
import { toArchitecture, type DataShape } from '../space/to-architecture.js';
import { networkKey } from '../space/network-key.js';
import { lockRunDir } from '../run/run-lock.js';
import { kConfigFile, kJournalFile, kResultsFile } from '../run/run-files.js';
import type { TrainingActor, TrainingActorArgs } from '../evaluation/training-actor.js';

export interface SearchRunOptions {
  options: SearchOptions;
  /** Continue the search in `options.out` from its journal. */
  resume: boolean;
  onProgress?(p: Progress): void;
  /** Driver only: called once the actors are ready, before the first candidate. */
  onStart?(info: { ranks: number; actors: number; out: string; resumed: number; startupSeconds: number }): void;
}

export interface SearchRunResult {
  summary: SearchSummary;
  out: string;
}

const kActorModule = new URL('../evaluation/training-actor.js', import.meta.url);
/** Best candidates every store keeps besides the population (as many as `graft topk` trains). */
const kKeptBest = 5;

/** Runs the job; resolves with the summary on the driver and null on every other rank. */
export async function runSearch(run: SearchRunOptions): Promise<SearchRunResult | null> {
  const o = run.options;
  const space = resolveSearchSpace(o.space);
  const transport = await openTransport();
  setLogFields({ rank: transport.rank });
  const runtime = await init({ transport });
  // A scheduler's warning before the time limit or a preemption (Slurm's --signal=B:USR1@…,
  // forwarded to every rank by srun or mpirun): the driver stops proposing and records what is
  // in flight; the other ranks must not die of it (SIGUSR1 ends a process by default).
  const stop = new AbortController();
  const onStopSignal = (signal: NodeJS.Signals): void => {
    log('info', 'search.stop_signal', { signal, driver: runtime.isDriver });
    if (runtime.isDriver && !stop.signal.aborted) {
      process.stderr.write(`graft search: ${signal}: no new candidates; the ones in flight finish and are recorded, then the search stops (continue with --resume)\n`);
      stop.abort(signal);
    }
  };
  process.on('SIGUSR1', onStopSignal);
  try {
    return await runJob(run, space, transport, runtime, stop.signal);
  } finally {
    process.off('SIGUSR1', onStopSignal);
  }
}

async function runJob(run: SearchRunOptions, space: SearchSpace, transport: Transport, runtime: Runtime, stop: AbortSignal): Promise<SearchRunResult | null> {
  const o = run.options;
  const stores = o.transfer !== 'none' ? new RankStores(runtime, transport, o) : null;
  if (!runtime.isDriver) {
    await runtime.serve();
    await stores?.close().catch(() => {});
    return null;
  }
  try {
    return await drive(run, space, runtime, stores, stop);
  } finally {
    await stores?.stopAll().catch((err) => log('warn', 'nas.stores.stop', { error: err }));
    await runtime.shutdown();
  }
}

async function drive(run: SearchRunOptions, space: SearchSpace, runtime: Runtime, stores: RankStores | null, stop: AbortSignal): Promise<SearchRunResult> {
  const o = run.options;
  const dataset = await loadSearchData({ data: o.data, task: o.task, trainSize: o.trainSize, valSize: o.valSize, testSize: o.valSize, seed: o.seed });
  const shape: DataShape = { inputShape: dataset.featureShape, output: { units: dataset.outputUnits, task: dataset.task } };
  checkSpaceFits(space, shape.inputShape);
  mkdirSync(o.out, { recursive: true });
  const lock = lockRunDir(o.out, 'search');
  try {
    return await driveLocked(run, space, runtime, stores, shape, stop);
  } finally {
    lock.release();
  }
}

async function driveLocked(run: SearchRunOptions, space: SearchSpace, runtime: Runtime, stores: RankStores | null, shape: DataShape, stop: AbortSignal): Promise<SearchRunResult> {
  const o = run.options;
  const journalFile = join(o.out, kJournalFile);
  let replay: JournalRecord[] = [];
  let validLength: number | undefined;
  if (run.resume) {
    ({ records: replay, validLength } = readJournal(journalFile));
  } else if (existsSync(journalFile)) {
    throw new InvalidArgumentError(`${o.out} already holds a search: continue it with --resume ${o.out}, or choose another --out`, { details: { option: 'out' } });
  }
  mkdirSync(join(o.out, 'models'), { recursive: true });
  setLogFile(process.env.GRAFT_LOG || join(o.out, 'log.jsonl'));
  if (!run.resume) writeFileSync(join(o.out, kConfigFile), JSON.stringify(o, null, 2) + '\n');
  const journal = new Journal(journalFile, validLength);
  try {
    const csv = new ResultsCsv(join(o.out, kResultsFile), replay);
    const donorRuns = readDonorRuns(donorDirs(o.donorsFrom), o.task);
    if (donorRuns.length > 0 && !stores) {
      throw new InvalidArgumentError('--donors-from needs weight transfer: drop --transfer none', { details: { option: 'donorsFrom' } });
    }
    if (run.resume && stores) await reseedStore(stores.store, o.out, replay, o.population, o.backend);
    const pinned = stores && donorRuns.length > 0 ? await loadDonorRuns(stores.store, donorRuns, shape, o.backend) : [];
    const actors = await spawnTrainingActors(runtime, o, donorRuns.map((r) => r.dir));
    // Stores keep the population and the best candidates; the rest goes every P results.
    const retention = stores ? new RetentionPolicy({ population: o.population, best: kKeptBest, pinned }, (keep) => stores.retainEverywhere(keep)) : null;
    const maxParams = o.maxParams ?? defaultMaxParams(totalmem());
    const start: StartRecord = {
      kind: 'start',
      startupSeconds: performance.now() / 1000,
      ranks: runtime.size,
      actors: actors.length,
      resumed: replay.filter((r) => r.kind === 'evaluation' || r.kind === 'failure').length,
      at: new Date().toISOString(),
    };
    journal.append(start);
    run.onStart?.({ ranks: start.ranks, actors: start.actors, out: o.out, resumed: start.resumed, startupSeconds: start.startupSeconds });
    const summary = await runSearchDriver({
      strategy: makeStrategy(space, o, warmStartArchs(space, donorRuns)),
      toArchitecture: (choices) => checkSize(toArchitecture(space, choices, shape), maxParams),
      networkKey: networkKey(space, shape),
      actors,
      journal,
      csv,
      maxEvals: o.maxEvals,
      maxRetries: o.maxRetries,
      evalTimeout: o.evalTimeout ?? 'auto',
      walltime: o.walltime,
      stop,
      replay,
      onProgress: run.onProgress,
      onRecord: retention ? (id, score, replayed) => retention.add(id, score, replayed) : undefined,
    });
    log('info', 'search.done', { ...summary, best: summary.best?.id ?? null });
    return { summary, out: o.out };
  } finally {
    journal.close();
  }
}

/** `warmStart`: architectures that open evolution's initial population (from `--donors-from`). */
/** The architecture, or CandidateTooLargeError when it holds more than `maxParams` parameters. */
function checkSize(arch: Architecture, maxParams: number): Architecture {
  const params = architectureParams(arch);
  if (params > maxParams) {
    throw new CandidateTooLargeError(`the candidate has ${params} parameters, more than --max-params ${maxParams}`, { details: { params, maxParams } });
  }
  return arch;
}

export function makeStrategy(space: SearchSpace, o: SearchOptions, warmStart: number[][] = []): SearchStrategy {
  return o.strategy === 'random'
    ? new RandomSearch(space, o.seed)
    : new AgingEvolution(space, { population: o.population, sample: o.sample, beta: o.beta, seed: o.seed, warmStart });
}

/**
 * Spawns the training actors on every rank (`actorsPerRank`, or with 0 one per GPU, each
 * holding its GPU) and waits until each has loaded its backend and data.
 */
async function spawnTrainingActors(runtime: Runtime, o: SearchOptions, donorRuns: string[]): Promise<EvaluationActor[]> {
  const settings = { epochs: o.epochs, steps: o.steps, batchSize: o.batchSize, learningRate: o.learningRate, seed: o.seed, transfer: o.transfer, transferMode: o.transferMode, out: o.out, donorRuns };
  const data = { data: o.data, task: o.task, trainSize: o.trainSize, valSize: o.valSize, testSize: o.valSize, seed: o.seed };
  return spawnOnEveryRank(runtime, {
    perRank: o.actorsPerRank,
    kind: 'training',
    start: async ({ rank, index, resources }): Promise<EvaluationActor> => {
      const name = `r${rank}a${index}`;
      const args: TrainingActorArgs = { settings, data, backend: o.backend, rank, name, useStore: o.transfer !== 'none' };
      const actor: Remote<TrainingActor> = await runtime.spawn<TrainingActor>(kActorModule, 'TrainingActor', [args], { rank, resources, maxRestarts: 2 });
      await actor.ready();
      return {
        name,
        evaluate: (task, signal) => (signal ? actor[kCallOptions]({ signal }) : actor).evaluate(task),
        restart: () => runtime.kill(actor, { restart: true }),
      };
    },
  });
}
