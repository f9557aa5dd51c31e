// nas/search/actor-pool.ts: the training actors of a search and the tasks waiting for them.
// It starts pending tasks on free actors as the scheduling policy says (scheduling-policy.ts),
// asking its owner for a new task when none can start; gives a call up past the timeout
// (aborting its signal, and restarting the actor when the call ignores the abort); hands a
// failed task to another actor up to the retry budget; and retires an actor that died or
// timed out too often in a row. A task is anything an actor evaluates: a new candidate, or
// one to train further. Knows nothing of the journal or the strategy: it reports each task's
// result, or its failure past the budget, to its owner.

import { TimeoutError } from '../../errors.js';
import { log } from '../../util/log.js';
import { SearchAbortedError } from '../errors.js';
import type { EvaluationActor, EvaluationResult, EvaluationTask } from '../evaluation/evaluation-task.js';
import { preferUntriedActors, type PendingTask, type SchedulingPolicy } from './scheduling-policy.js';

export interface ActorPoolOptions {
  actors: readonly EvaluationActor[];
  /** Which pending task starts next on which actor (default: preferUntriedActors). */
  policy?: SchedulingPolicy;
  /** Times a task is handed to another actor after it failed. */
  maxRetries: number;
  /** Consecutive deaths or timeouts after which an actor gets no more tasks (default 3). */
  maxActorFailures?: number;
  /** Seconds a call given up on may take to stop before its actor is restarted (default 30). */
  abortGraceSeconds?: number;
  /** Seconds a call may run before it is given up on and retried elsewhere (null: no limit); asked as each call starts. */
  timeoutSeconds(): number | null;
  /** The owner's clock, in seconds: when a task started, as its result reports it. */
  clock(): number;
  /** A new task for a free actor when no pending one can start there; null when none is coming now. */
  more(): EvaluationTask | null;
  /** A task's result. */
  onResult(task: EvaluationTask, result: EvaluationResult, startedAt: number): void;
  /** A task that failed on every try (`task.attempt` is its last). */
  onFailure(task: EvaluationTask, error: unknown): void;
  /** Something changed (a call settled, an actor is free): the owner starts what it can. */
  wake(): void;
}

interface ActorState {
  readonly actor: EvaluationActor;
  /** Busy until its current call settles, even after that call has timed out. */
  busy: boolean;
  failures: number;
  retired: boolean;
}

interface Pending extends PendingTask {
  readonly avoid: Set<number>;
}

const kDefaultMaxActorFailures = 3;
const kDefaultAbortGraceSeconds = 30;

/**
 * Whether an error says the actor is unwell (it died, or it ran past the timeout) rather than
 * that the task failed there. Only the first kind counts against an actor: a candidate that
 * cannot train anywhere must not take the actors down with it.
 */
function isActorFault(err: unknown): boolean {
  return err instanceof TimeoutError || (err as { code?: unknown } | null)?.code === 'ERR_ACTOR_DIED';
}

export class ActorPool {
  readonly #o: ActorPoolOptions;
  readonly #policy: SchedulingPolicy;
  readonly #actors: ActorState[];
  readonly #pending: Pending[] = [];
  #inFlight = 0;

  constructor(o: ActorPoolOptions) {
    if (o.actors.length === 0) throw new SearchAbortedError('no training actors to run the search on');
    this.#o = o;
    this.#policy = o.policy ?? preferUntriedActors;
    this.#actors = o.actors.map((actor) => ({ actor, busy: false, failures: 0, retired: false }));
  }

  /** Calls running and not yet given up on. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Nothing running and nothing waiting. */
  get idle(): boolean {
    return this.#inFlight === 0 && this.#pending.length === 0;
  }

  /** Queues a task; `first`: ahead of every other. */
  submit(task: EvaluationTask, first = false): void {
    const p: Pending = { task, avoid: new Set() };
    if (first) this.#pending.unshift(p);
    else this.#pending.push(p);
  }

  /** Starts what can start now; throws SearchAbortedError when every actor is retired. */
  pump(): void {
    for (;;) {
      if (!this.#actors.some((s) => !s.retired)) {
        throw new SearchAbortedError('every training actor failed repeatedly; the journal keeps what was recorded, --resume continues', { details: { actors: this.#actors.length } });
      }
      if (!this.#actors.some((s) => !s.busy && !s.retired)) return;
      let pick = this.#policy.next(this.#pending, this.#actors, false);
      if (!pick) {
        const task = this.#o.more();
        if (task) {
          this.submit(task);
          continue;
        }
        pick = this.#policy.next(this.#pending, this.#actors, true);
        if (!pick) return;
      }
      this.#start(this.#pending.splice(pick.task, 1)[0]!, pick.actor);
    }
  }

  #start(p: Pending, index: number): void {
    const o = this.#o;
    const state = this.#actors[index]!;
    const name = state.actor.name;
    const task = p.task;
    state.busy = true;
    this.#inFlight++;
    const startedAt = o.clock();
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    let grace: NodeJS.Timeout | undefined;
    const abort = new AbortController();
    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      if (timer) clearTimeout(timer);
      this.#inFlight--;
      return true;
    };
    const onResult = (result: EvaluationResult): void => {
      if (!settle()) return;
      state.failures = 0;
      o.onResult(task, result, startedAt);
      o.wake();
    };
    const onError = (err: unknown): void => {
      if (!settle()) return;
      if (isActorFault(err)) state.failures++;
      if (state.failures >= (o.maxActorFailures ?? kDefaultMaxActorFailures)) {
        state.retired = true;
        log('warn', 'search.actor.retired', { actor: name, failures: state.failures });
      }
      log('warn', 'search.evaluation.error', { id: task.id, actor: name, attempt: task.attempt, error: err });
      p.avoid.add(index);
      if (task.attempt < o.maxRetries) this.#pending.unshift({ task: { ...task, attempt: task.attempt + 1 }, avoid: p.avoid });
      else o.onFailure(task, err);
      o.wake();
    };
    state.actor
      .evaluate(task, abort.signal)
      .then(onResult, onError)
      .finally(() => {
        if (grace) clearTimeout(grace);
        state.busy = false;
        o.wake();
      });
    const limit = o.timeoutSeconds();
    if (limit === null) return;
    timer = setTimeout(() => {
      const err = new TimeoutError(`evaluation ${task.id} ran past ${limit.toFixed(0)} s on ${name}`, { details: { id: task.id, actor: name } });
      onError(err);
      // Cancel the call; one that does not stop within the grace period loses its actor,
      // which restarts, so the actor's slot is not held by a hung call for ever.
      abort.abort(err);
      grace = setTimeout(() => {
        log('warn', 'search.actor.restart', { actor: name, id: task.id });
        state.actor.restart?.().catch((e: unknown) => log('warn', 'search.actor.restart_failed', { actor: name, error: e }));
      }, (o.abortGraceSeconds ?? kDefaultAbortGraceSeconds) * 1000);
      grace.unref?.();
    }, limit * 1000);
    timer.unref?.();
  }
}
