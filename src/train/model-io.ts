// train/model-io.ts: whole models on disk in the tfjs LayersModel format (model.json plus one
// weights.bin), through a file-system IO handler of our own, since tfjs's `file://` handler
// comes only with tfjs-node. The files load with `tf.loadLayersModel` anywhere: tfjs-node
// reads `file://…/model.json`, and `fileModelHandler(dir)` works without it.

import * as tf from '@tensorflow/tfjs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { ModelIoError } from './errors.js';
// For its registration: a loaded model's dropout layers are seeded ones, so training repeats.
import './seeded-dropout.js';

const kModelFile = 'model.json';
const kWeightsFile = 'weights.bin';

/** Writes `model` into `dir` (created if missing); model.json is written last, atomically. */
export async function saveModel(model: tf.LayersModel, dir: string): Promise<void> {
  await model.save(fileModelHandler(dir));
}

/** Loads a model saved by saveModel (or by any tfjs LayersModel writer) from `dir`. */
export async function loadModel(dir: string): Promise<tf.LayersModel> {
  return tf.loadLayersModel(fileModelHandler(dir));
}

/** An IO handler reading and writing `dir/model.json` and its weight files. */
export function fileModelHandler(dir: string): tf.io.IOHandler {
  const root = resolve(dir);
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      const modelPath = join(root, kModelFile);
      if (artifacts.modelTopology instanceof ArrayBuffer) {
        throw new ModelIoError('binary model topologies are not supported', { details: { file: modelPath } });
      }
      const weights = artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
      const json: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology as object,
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: [kWeightsFile], weights: artifacts.weightSpecs ?? [] }],
        ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
        ...(artifacts.userDefinedMetadata ? { userDefinedMetadata: artifacts.userDefinedMetadata } : {}),
      };
      try {
        await mkdir(root, { recursive: true });
        // Write-then-rename, weights first: a reader never sees a model.json whose weights
        // are missing or half written. Temporary names are this write's own, so two attempts
        // of one candidate (a retry while a timed-out one still runs) never mix their files.
        const tmp = `.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
        await writeFile(join(root, kWeightsFile + tmp), new Uint8Array(weights));
        await rename(join(root, kWeightsFile + tmp), join(root, kWeightsFile));
        await writeFile(modelPath + tmp, JSON.stringify(json));
        await rename(modelPath + tmp, modelPath);
      } catch (cause) {
        throw new ModelIoError(`cannot write the model to ${root}`, { cause, details: { file: root } });
      }
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },

    async load(): Promise<tf.io.ModelArtifacts> {
      const modelPath = join(root, kModelFile);
      let json: tf.io.ModelJSON;
      try {
        json = JSON.parse(await readFile(modelPath, 'utf8')) as tf.io.ModelJSON;
      } catch (cause) {
        throw new ModelIoError(`${modelPath}: cannot read a model.json`, { cause, details: { file: modelPath } });
      }
      if (!json || typeof json.modelTopology !== 'object' || !Array.isArray(json.weightsManifest)) {
        throw new ModelIoError(`${modelPath}: lacks modelTopology or weightsManifest`, { details: { file: modelPath } });
      }
      const specs: tf.io.WeightsManifestEntry[] = [];
      const buffers: ArrayBuffer[] = [];
      for (const group of json.weightsManifest) {
        specs.push(...group.weights);
        for (const path of group.paths) {
          const file = resolve(root, path);
          // A crafted model.json must not read files outside its own folder.
          if (relative(resolve(root), file).startsWith('..') || isAbsolute(relative(resolve(root), file))) {
            throw new ModelIoError(`${modelPath}: weights path '${path}' leaves the model's folder`, { details: { file: modelPath, path } });
          }
          try {
            const bytes = await readFile(file);
            buffers.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
          } catch (cause) {
            throw new ModelIoError(`${file}: cannot read the weights named in ${modelPath}`, { cause, details: { file } });
          }
        }
      }
      return tf.io.getModelArtifactsForJSON(json, async () => [specs, tf.io.CompositeArrayBuffer.join(buffers)]);
    },
  };
}
