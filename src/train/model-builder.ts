// train/model-builder.ts: turns an Architecture into a tfjs LayersModel (functional API) whose
// layer names are the stable layer ids. Initial weights are seeded per layer from the model
// seed and the layer's id, so the same architecture and seed always give the same weights, and
// a layer keeps its initial weights in any candidate that shares its id. Dropout masks repeat
// from the same seeds too (see seeded-dropout.ts).

import * as tf from '@tensorflow/tfjs';
import type { Architecture, LayerOp } from './architecture.js';
import { checkArchitecture, kInputNode } from './architecture-check.js';
import { assignIds } from './layer-ids.js';
import { hashSeed } from './rng.js';
import { SeededDropout } from './seeded-dropout.js';

export interface BuildOptions {
  /** Seed for initial weights; default 0. */
  seed?: number;
}

/** Builds the model; throws ArchitectureError for an architecture it cannot build. */
export function buildModel(arch: Architecture, options: BuildOptions = {}): tf.LayersModel {
  const seed = options.seed ?? 0;
  const nodes = assignIds(checkArchitecture(arch));
  const outputs = new Map<string, tf.SymbolicTensor>();
  let input: tf.SymbolicTensor | undefined;
  for (const { node, layerId } of nodes) {
    if (node.name === kInputNode) {
      input = tf.input({ shape: node.shape, name: layerId });
      outputs.set(kInputNode, input);
      continue;
    }
    const layer = makeLayer(node.op, layerId, hashSeed(seed, layerId));
    const inputs = node.inputs.map((name) => outputs.get(name)!);
    const output = layer.apply(inputs.length === 1 ? inputs[0] : inputs) as tf.SymbolicTensor;
    outputs.set(node.name, output);
  }
  const last = nodes[nodes.length - 1];
  return tf.model({ inputs: input!, outputs: outputs.get(last.node.name)! });
}

function makeLayer(op: LayerOp, name: string, seed: number): tf.layers.Layer {
  const kernelInitializer = tf.initializers.glorotUniform({ seed });
  switch (op.op) {
    case 'dense':
      return tf.layers.dense({ name, units: op.units, activation: op.activation, kernelInitializer });
    case 'conv1d':
      return tf.layers.conv1d({
        name, filters: op.filters, kernelSize: op.kernelSize, strides: op.strides, padding: op.padding,
        activation: op.activation, kernelInitializer,
      });
    case 'conv2d':
      return tf.layers.conv2d({
        name, filters: op.filters, kernelSize: op.kernelSize, strides: op.strides, padding: op.padding,
        activation: op.activation, kernelInitializer,
      });
    case 'maxpool1d':
      return tf.layers.maxPooling1d({ name, poolSize: op.poolSize });
    case 'avgpool1d':
      return tf.layers.averagePooling1d({ name, poolSize: op.poolSize });
    case 'maxpool2d':
      return tf.layers.maxPooling2d({ name, poolSize: op.poolSize });
    case 'avgpool2d':
      return tf.layers.averagePooling2d({ name, poolSize: op.poolSize });
    case 'dropout':
      return new SeededDropout({ name, rate: op.rate, seed });
    case 'batchnorm':
      return tf.layers.batchNormalization({ name });
    case 'activation':
      return tf.layers.activation({ name, activation: op.activation });
    case 'identity':
      return tf.layers.activation({ name, activation: 'linear' });
    case 'flatten':
      return tf.layers.flatten({ name });
    case 'reshape':
      return tf.layers.reshape({ name, targetShape: op.targetShape });
    case 'add':
      return tf.layers.add({ name });
    case 'concatenate':
      return tf.layers.concatenate({ name });
  }
}
