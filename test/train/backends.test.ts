// test/train/backends.test.ts: probing and selecting tfjs backends, on the main thread and
// inside a worker thread (where the wasm binaries must still be found).

import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { Worker } from 'node:worker_threads';
import { InvalidArgumentError } from 'graft';
import { BackendUnavailableError, probeBackends, selectBackend, selectedBackend } from 'graft/train';

const workerScript = new URL('../../../test/fixtures/train/train-in-worker.mjs', import.meta.url);

describe('probeBackends() / selectBackend()', () => {
  after(async () => {
    await selectBackend();
  });

  it('finds wasm and cpu here, best first, and leaves the active backend alone', async () => {
    await selectBackend('cpu');
    const found = await probeBackends();
    expect(found.slice(-2)).to.deep.equal(['wasm', 'cpu']);
    expect(tf.getBackend()).to.equal('cpu');
  });

  it('selects the best backend that loads, or the one asked for', async () => {
    const found = await probeBackends();
    expect(await selectBackend()).to.equal(found[0]);
    expect(await selectBackend('cpu')).to.equal('cpu');
    expect(tf.getBackend()).to.equal('cpu');
    expect(selectedBackend()).to.equal('cpu');
  });

  it('rejects an unknown name with InvalidArgumentError', async () => {
    const err = await selectBackend('tpu').catch((e: unknown) => e);
    expect(err).to.be.instanceOf(InvalidArgumentError);
  });

  it('rejects a backend that cannot load with BackendUnavailableError', async function () {
    if ((await probeBackends()).includes('tfjs-node')) this.skip(); // installed on this machine
    const err = (await selectBackend('tfjs-node').catch((e: unknown) => e)) as BackendUnavailableError;
    expect(err).to.be.instanceOf(BackendUnavailableError);
    expect(err.code).to.equal('ERR_BACKEND_UNAVAILABLE');
    expect(err.details.backend).to.equal('tfjs-node');
  });

  it('loads wasm and trains a CNN inside a worker thread', async () => {
    const worker = new Worker(workerScript);
    const reply = await new Promise<unknown>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`worker exited with code ${code}`)));
    });
    await worker.terminate();
    expect(reply).to.deep.equal({ backend: 'wasm', trainedOn: 'wasm', steps: 4 });
  });
});
