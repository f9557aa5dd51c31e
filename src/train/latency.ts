// train/latency.ts: a model's inference time per sample on the backend in use (the `latency`
// objective). A warm-up call first (kernels compile, memory is allocated), then the median of
// several timed calls on one batch; the time ends when the output's values are read back, so
// only backends that compute synchronously (or finish before a read returns) can time this
// way.

import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError } from '../errors.js';
import { seededRandom } from '../util/seeded-random.js';

/** Backends whose work is done when a read of the output returns: wall time measures them. */
export const kTimingBackends: readonly string[] = ['tensorflow', 'wasm', 'cpu'];

/** Refuses latency measurements on a backend that cannot time them, naming the ones that can. */
export function checkLatencyBackend(backend: string): void {
  if (!kTimingBackends.includes(backend)) {
    throw new InvalidArgumentError(
      `the latency objective cannot be measured on the '${backend}' backend (its kernels run asynchronously); use one of ${kTimingBackends.join(', ')} (--backend)`,
      { details: { option: 'objective', backend } },
    );
  }
}

export interface LatencyOptions {
  /** Samples per timed call (default 32). */
  batch?: number;
  /** Timed calls; the median is kept (default 5). */
  repeats?: number;
}

/** Median seconds per sample of `model.predict` on a batch of seeded random inputs. */
export function measureLatency(model: tf.LayersModel, options: LatencyOptions = {}): number {
  checkLatencyBackend(tf.getBackend());
  const batch = options.batch ?? 32;
  const repeats = options.repeats ?? 5;
  const inputShape = (model.inputs[0]!.shape as number[]).slice(1);
  const size = inputShape.reduce((n, d) => n * d, 1);
  const random = seededRandom(7);
  const values = Float32Array.from({ length: batch * size }, () => random());
  const x = tf.tensor(values, [batch, ...inputShape]);
  try {
    const once = (): number => {
      const started = performance.now();
      const y = model.predict(x) as tf.Tensor;
      y.dataSync();
      y.dispose();
      return (performance.now() - started) / 1000;
    };
    once();
    const times = Array.from({ length: repeats }, once).sort((a, b) => a - b);
    return times[Math.floor(times.length / 2)]! / batch;
  } finally {
    x.dispose();
  }
}
