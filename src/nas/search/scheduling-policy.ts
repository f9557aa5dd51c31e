// nas/search/scheduling-policy.ts: which pending task the actor pool starts next, and on which
// free actor. The pool (actor-pool.ts) is the mechanism; this is the policy, a plain object
// the driver can replace. The default keeps tasks in order and sends a retried candidate to an
// actor it has not failed on while it can. Knows indices and flags, not actors or threads.

import type { EvaluationTask } from '../evaluation/evaluation-task.js';

/** A task waiting for an actor. */
export interface PendingTask {
  readonly task: EvaluationTask;
  /** Actors (by index) this task already failed on. */
  readonly avoid: ReadonlySet<number>;
}

/** An actor as the policy sees it. */
export interface ActorView {
  /** Running a call (even one given up on: the actor is busy until the call settles). */
  readonly busy: boolean;
  /** Failed too often in a row: it gets no more tasks. */
  readonly retired: boolean;
}

export interface SchedulingPolicy {
  /**
   * The pending task (index in `pending`) to start now and the free actor (index in `actors`)
   * to start it on, or null to start none and ask for a new task. `drained`: no new task is
   * coming, so a task that waits for a better actor may wait for ever.
   */
  next(pending: readonly PendingTask[], actors: readonly ActorView[], drained: boolean): { task: number; actor: number } | null;
}

/**
 * In order of the queue, the first task with a free actor it has not failed on; a task that
 * failed on every usable actor takes any free one. Queued retries wait for an actor they have
 * not failed on (a new task can take the free one meanwhile) until nothing new is coming: then
 * the first takes a free actor rather than wait for one that may be hung for good.
 */
export const preferUntriedActors: SchedulingPolicy = {
  next(pending, actors, drained) {
    const usable = actors.flatMap((a, i) => (a.retired ? [] : [i]));
    const free = usable.filter((i) => !actors[i]!.busy);
    if (free.length === 0) return null;
    for (const [k, p] of pending.entries()) {
      const untried = free.find((i) => !p.avoid.has(i));
      if (untried !== undefined) return { task: k, actor: untried };
      if (usable.every((i) => p.avoid.has(i))) return { task: k, actor: free[0]! };
    }
    return drained && pending.length > 0 ? { task: 0, actor: free[0]! } : null;
  },
};
