// Cancellation: a call made through handle[kCallOptions]({ signal }) rejects with AbortError when
// the signal fires; the actor drops it if not yet started, or sees its own callSignal() abort.

import { expect } from 'chai';
import { InvalidArgumentError } from 'graft';
import { AbortError, kCallOptions, type Remote } from 'graft/runtime';
import type { Cancellable } from '../fixtures/runtime/actors.js';
import { actorsUrl, startJob, type Job } from './cluster.js';
import { rejection } from '../helpers/rejection.js';

/** Resolves once `actor` has started the call tagged `tag`. */
async function started(actor: Remote<Cancellable>, tag: string): Promise<void> {
  for (;;) {
    if ((await actor.record()).started.includes(tag)) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('runtime: aborting calls', () => {
  let job: Job;

  before(async () => {
    job = await startJob(2);
  });
  after(() => job.stop());

  for (const rank of [0, 1]) {
    describe(`an actor on rank ${rank}, called from rank 0`, () => {
      let actor: Remote<Cancellable>;

      before(async () => {
        actor = await job.driver.spawn<Cancellable>(actorsUrl, 'Cancellable', [], { rank, maxConcurrency: 2 });
      });

      it('rejects a running call with AbortError and aborts the actor’s signal for it', async () => {
        const controller = new AbortController();
        const call = actor[kCallOptions]({ signal: controller.signal }).waitForAbort(`running-${rank}`);
        await started(actor, `running-${rank}`);
        const reason = new Error('enough');
        controller.abort(reason);
        const err = await rejection(call);
        expect(err).to.be.instanceOf(AbortError);
        expect((err as AbortError).code).to.equal('ABORT_ERR');
        expect(err.cause).to.equal(reason);
        expect((err as AbortError).details).to.include({ method: 'waitForAbort', rank });
        for (;;) {
          const { aborted } = await actor.record();
          if (aborted.some((a) => a.tag === `running-${rank}`)) {
            expect(aborted.find((a) => a.tag === `running-${rank}`)!.reason).to.equal('AbortError');
            break;
          }
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      });
    });
  }

  describe('an actor running one call at a time', () => {
    let actor: Remote<Cancellable>;
    let starts: Int32Array;

    before(async () => {
      // On the driver's rank, so the start counter is the same shared memory here and there.
      const ref = await job.driver.put(new Int32Array(1));
      starts = await job.driver.get(ref);
      actor = await job.driver.spawn<Cancellable>(actorsUrl, 'Cancellable', [ref], { rank: 0 });
    });

    it('never sends a call whose signal is already aborted', async () => {
      const controller = new AbortController();
      controller.abort();
      expect(await rejection(actor[kCallOptions]({ signal: controller.signal }).waitForAbort('pre'))).to.be.instanceOf(AbortError);
      expect((await actor.record()).started).to.not.include('pre');
    });

    it('drops a queued call that is aborted before it starts', async () => {
      const first = new AbortController();
      const second = new AbortController();
      const before = Atomics.load(starts, 0);
      const running = actor[kCallOptions]({ signal: first.signal }).waitForAbort('first');
      const queued = actor[kCallOptions]({ signal: second.signal }).waitForAbort('second');
      // Both left in one batch: once 'first' runs, 'second' waits in the actor's queue.
      while (Atomics.load(starts, 0) === before) await new Promise((resolve) => setTimeout(resolve, 5));
      second.abort();
      expect(await rejection(queued)).to.be.instanceOf(AbortError);
      first.abort();
      expect(await rejection(running)).to.be.instanceOf(AbortError);
      const { started: seen, aborted } = await actor.record();
      expect(seen).to.include('first').and.not.include('second');
      expect(aborted.map((a) => a.tag)).to.include('first').and.not.include('second');
    });

    it('gives a signal only to calls made with one, kept across awaits', async () => {
      const controller = new AbortController();
      const withSignal = actor[kCallOptions]({ signal: controller.signal });
      expect(await withSignal.hasSignal()).to.deep.equal([true, true]);
      // A plain call queued behind a cancellable one must not inherit its signal.
      const [a, b] = await Promise.all([withSignal.hasSignal(), actor.hasSignal()]);
      expect(a).to.deep.equal([true, true]);
      expect(b).to.deep.equal([false, false]);
      expect(await actor.waitForAbort('plain')).to.equal('no signal');
    });

    it('resolves normally when the signal never fires, and aborting afterwards changes nothing', async () => {
      const controller = new AbortController();
      expect(await actor[kCallOptions]({ signal: controller.signal }).hasSignal()).to.deep.equal([true, true]);
      controller.abort();
      expect(await actor.hasSignal()).to.deep.equal([false, false]);
    });

    it('refuses call options it does not know', () => {
      expect(() => actor[kCallOptions]({ sginal: new AbortController().signal } as never)).to.throw(InvalidArgumentError);
      expect(() => actor[kCallOptions]({ signal: 'soon' } as never)).to.throw(InvalidArgumentError);
    });
  });
});
