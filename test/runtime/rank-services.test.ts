// Rank services: a rank's main thread offers a named service; an actor on that rank gets a
// private MessagePort to it, or a typed error (no such service, refused, timed out).

import { expect } from 'chai';
import type { MessagePort } from 'node:worker_threads';
import { InvalidArgumentError, TimeoutError } from 'graft';
import { NotDriverError, RankServiceNotFoundError, type Remote } from 'graft/runtime';
import type { ServiceUser } from '../fixtures/runtime/actors.js';
import { actorsUrl, startJob, startLocal, type Job } from './cluster.js';
import { rejection } from '../helpers/rejection.js';

/** A service answering each message on each port with `answer(message)`. */
function echoService(answer: (message: unknown) => unknown) {
  return (port: MessagePort): void => {
    port.on('message', (message) => port.postMessage(answer(message)));
  };
}

describe('runtime: rank services', () => {
  describe('on one rank', () => {
    let job: Job;
    let user: Remote<ServiceUser>;

    before(async () => {
      job = await startLocal();
      user = await job.driver.spawn<ServiceUser>(actorsUrl, 'ServiceUser');
    });
    after(() => job.stop());

    it('gives an actor a private port to a service of its rank', async () => {
      const ports: MessagePort[] = [];
      const withdraw = job.driver.provideRankService('echo', (port) => {
        ports.push(port);
        echoService((m) => ({ echoed: m }))(port);
      });
      try {
        expect(await user.ask('echo', { n: 1 })).to.deep.equal({ echoed: { n: 1 } });
        expect(await user.ask('echo', 'again')).to.deep.equal({ echoed: 'again' });
        expect(ports).to.have.length(2);
        expect(ports[0]).to.not.equal(ports[1]);
      } finally {
        withdraw();
      }
    });

    it('passes shared memory through the port without a copy', async () => {
      const shared = new Float32Array(new SharedArrayBuffer(16));
      let sawShared!: Promise<unknown>;
      const withdraw = job.driver.provideRankService('shared', (port) => {
        sawShared = new Promise((resolve) =>
          port.once('message', (m) => {
            port.close();
            resolve(m);
          }),
        );
        port.postMessage(shared);
      });
      try {
        expect(await user.fillShared('shared', 2.5)).to.equal(true);
        expect(Array.from(shared)).to.deep.equal([2.5, 2.5, 2.5, 2.5]);
        expect(await sawShared).to.equal(true);
      } finally {
        withdraw();
      }
    });

    it('rejects with RankServiceNotFoundError for a name the rank does not provide, or no longer does', async () => {
      const err = await rejection(user.ask('nobody', 1));
      expect(err).to.be.instanceOf(RankServiceNotFoundError);
      expect((err as RankServiceNotFoundError).code).to.equal('ERR_RANK_SERVICE_NOT_FOUND');
      const withdraw = job.driver.provideRankService('brief', echoService((m) => m));
      expect(await user.ask('brief', 3)).to.equal(3);
      withdraw();
      expect(await rejection(user.ask('brief', 3))).to.be.instanceOf(RankServiceNotFoundError);
    });

    it('rejects with TimeoutError when the service never takes the port', async () => {
      const withdraw = job.driver.provideRankService('stuck', () => new Promise(() => {}));
      try {
        const err = await rejection(user.ask('stuck', 1, 100));
        expect(err).to.be.instanceOf(TimeoutError);
        expect((err as TimeoutError).code).to.equal('ERR_TIMEOUT');
        expect((err as TimeoutError).details).to.include({ name: 'stuck', timeoutMs: 100 });
      } finally {
        withdraw();
      }
    });

    it('rejects with the service’s own error when it refuses the connection', async () => {
      const withdraw = job.driver.provideRankService('picky', () => {
        throw new InvalidArgumentError('not you');
      });
      try {
        expect(await rejection(user.ask('picky', 1))).to.be.instanceOf(InvalidArgumentError);
      } finally {
        withdraw();
      }
    });

    it('serves the rank’s main thread too', async () => {
      const withdraw = job.driver.provideRankService('local', echoService((m) => `got ${String(m)}`));
      try {
        const port = await job.driver.connectRankService('local');
        const answer = new Promise((resolve) => port.once('message', resolve));
        port.postMessage('x');
        expect(await answer).to.equal('got x');
        port.close();
      } finally {
        withdraw();
      }
    });

    it('refuses a second service of the same name, and a service offered from an actor', async () => {
      const withdraw = job.driver.provideRankService('twice', () => {});
      try {
        expect(() => job.driver.provideRankService('twice', () => {})).to.throw(InvalidArgumentError);
      } finally {
        withdraw();
      }
      expect(await rejection(user.provide('from-actor'))).to.be.instanceOf(NotDriverError);
      expect(await rejection(job.driver.connectRankService('echo', { timeoutMs: 0 }))).to.be.instanceOf(InvalidArgumentError);
    });
  });

  describe('on several ranks', () => {
    let job: Job;

    before(async () => {
      job = await startJob(2);
    });
    after(() => job.stop());

    it('connects an actor to the service of its own rank', async () => {
      const withdraws = job.ranks.map((rank) => rank.provideRankService('where', echoService(() => rank.rank)));
      try {
        const onOne = await job.driver.spawn<ServiceUser>(actorsUrl, 'ServiceUser', [], { rank: 1 });
        const onZero = await job.driver.spawn<ServiceUser>(actorsUrl, 'ServiceUser', [], { rank: 0 });
        expect(await onOne.ask('where', null)).to.equal(1);
        expect(await onZero.ask('where', null)).to.equal(0);
      } finally {
        for (const withdraw of withdraws) withdraw();
      }
    });
  });
});
