// train/seeded-dropout.ts: a dropout layer whose masks repeat from a seed. tfjs 4.22's own
// Dropout hands its `seed` option unchanged to every `tf.dropout` call, so a seeded tfjs
// Dropout drops the same units on every step, and an unseeded one draws from Math.random and
// never repeats. This layer keeps a small generator instead and gives each training call the
// next seed from it: a fresh mask per step, the same sequence of masks from the same seed.
// It saves as a plain 'Dropout' (rate only), so its models load in any tfjs; graft registers
// it for that class name, so models graft loads get it back.

import * as tf from '@tensorflow/tfjs';
import { seededRandom } from '../util/seeded-random.js';

export type SeededDropoutArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]> & {
  rate: number;
  /** Seed of the mask sequence (default 0); training resets it through `reseed`. */
  seed?: number;
};

export class SeededDropout extends tf.layers.Layer {
  /** The Keras class name: files stay readable by any tfjs as an ordinary Dropout. */
  static readonly className = 'Dropout';
  readonly rate: number;
  #next: () => number;

  constructor(args: SeededDropoutArgs) {
    super(args);
    this.rate = args.rate;
    this.supportsMasking = true;
    this.#next = seededRandom(args.seed ?? 0);
  }

  /** Restarts the mask sequence from `seed`. */
  reseed(seed: number): void {
    this.#next = seededRandom(seed);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const input = Array.isArray(inputs) ? inputs[0]! : inputs;
    // Inference, and rates that drop nothing, draw no seed, so evaluating between training
    // steps does not shift the sequence.
    if (kwargs.training !== true || !(this.rate > 0 && this.rate < 1)) return input;
    const seed = Math.floor(this.#next() * 0x1_0000_0000);
    return tf.dropout(input, this.rate, undefined, seed);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate };
  }
}

// Loading a saved model ('Dropout' in model.json) gives this layer, not tfjs's own.
tf.serialization.registerClass(SeededDropout);

/** Points every seeded dropout layer of `model` at a mask sequence derived from `seed`. */
export function reseedDropout(model: tf.LayersModel, seedOf: (layerName: string) => number): void {
  for (const layer of model.layers) if (layer instanceof SeededDropout) layer.reseed(seedOf(layer.name));
}
