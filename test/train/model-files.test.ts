// test/train/model-files.test.ts: saveModel/loadModel in the tfjs LayersModel format: a round
// trip keeps layer ids, weights and predictions; tf.loadLayersModel reads the files; a broken
// folder gives a ModelIoError, and so does a weights path that leaves the model's folder.

import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ModelIoError, buildModel, fileModelHandler, layerIds, loadModel, makeSyntheticDataset, saveModel, selectBackend, trainModel,
} from 'graft/train';
import { skipNet } from './arch-fixtures.js';

describe('saveModel() / loadModel()', () => {
  let dir: string;

  before(async () => {
    await selectBackend();
    dir = mkdtempSync(join(tmpdir(), 'graft-model-'));
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('round-trips a trained model with skip connections: names, weights and predictions', async () => {
    const arch = skipNet(6);
    const data = makeSyntheticDataset({ samples: 120, featureShape: [6], outputs: 3, seed: 2 });
    const model = buildModel(arch, { seed: 4 });
    await trainModel(model, data, { epochs: 2 });
    await saveModel(model, join(dir, 'a'));
    const manifest = JSON.parse(readFileSync(join(dir, 'a', 'model.json'), 'utf8')) as { format: string; weightsManifest: Array<{ paths: string[] }> };
    expect(manifest.format).to.equal('layers-model');
    expect(manifest.weightsManifest[0].paths).to.deep.equal(['weights.bin']);

    for (const loaded of [await loadModel(join(dir, 'a')), await tf.loadLayersModel(fileModelHandler(join(dir, 'a')))]) {
      expect(loaded.layers.map((l) => l.name)).to.deep.equal(layerIds(arch).map((e) => e.layerId));
      const x = tf.tensor(data.test.x, [data.test.count, 6]);
      const [a, b] = [model.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor];
      expect(Array.from(b.dataSync())).to.deep.equal(Array.from(a.dataSync()));
      tf.dispose([x, a, b]);
      loaded.dispose();
    }
    model.dispose();
  });

  it('rejects a missing folder and a model.json without weights with ModelIoError', async () => {
    const missing = await loadModel(join(dir, 'nothing-here')).catch((e: unknown) => e);
    expect(missing).to.be.instanceOf(ModelIoError);
    const broken = join(dir, 'broken');
    const model = buildModel(skipNet(4));
    await saveModel(model, broken);
    model.dispose();
    rmSync(join(broken, 'weights.bin'));
    const err = (await loadModel(broken).catch((e: unknown) => e)) as ModelIoError;
    expect(err).to.be.instanceOf(ModelIoError);
    expect(err.details.file).to.equal(join(broken, 'weights.bin'));
    writeFileSync(join(broken, 'model.json'), '{"modelTopology": 1}');
    expect(await loadModel(broken).catch((e: unknown) => e)).to.be.instanceOf(ModelIoError);
  });

  it('refuses weights paths that leave the model folder, and leaves no temporary file behind', async () => {
    const escape = join(dir, 'escape');
    const model = buildModel(skipNet(4));
    await saveModel(model, escape);
    await saveModel(model, escape);
    model.dispose();
    expect(readdirSync(escape).sort()).to.deep.equal(['model.json', 'weights.bin']);
    const json = JSON.parse(readFileSync(join(escape, 'model.json'), 'utf8')) as { weightsManifest: Array<{ paths: string[] }> };
    for (const path of ['../a/weights.bin', '/etc/passwd']) {
      json.weightsManifest[0]!.paths = [path];
      writeFileSync(join(escape, 'model.json'), JSON.stringify(json));
      const err = (await loadModel(escape).catch((e: unknown) => e)) as ModelIoError;
      expect(err, path).to.be.instanceOf(ModelIoError);
      expect(err.details.path).to.equal(path);
    }
  });
});
