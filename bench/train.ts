// bench/train.ts: training throughput (samples per second) of an MLP and a small CNN on MNIST
// with every tfjs backend that loads here (tfjs-node-gpu, tfjs-node, wasm, cpu), through the
// same trainModel the search uses, and the wasm/cpu ratio (target: 3x or more for both).
// `--quick` trains on fewer samples (under a minute here). Run it alone:
//
//   flock /tmp/graft-bench.lock npm run bench:train [-- --quick]

import { parseArgs } from 'node:util';
import {
  buildModel, evaluateModel, loadMnist, probeBackends, selectBackend, trainModel,
  type Architecture, type BackendName, type Dataset,
} from 'graft/train';

const { values: args } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
const quick = args.quick;

const kBatch = 64;
const kValidation = 64;
const kWarmup = 8;

const models: Record<'mlp' | 'cnn', Architecture> = {
  mlp: {
    inputShape: [784],
    nodes: [
      { name: 'h1', op: { op: 'dense', units: 256, activation: 'relu' }, inputs: ['input'] },
      { name: 'h2', op: { op: 'dense', units: 128, activation: 'relu' }, inputs: ['h1'] },
    ],
    outputFrom: 'h2',
    output: { units: 10, task: 'classification' },
  },
  cnn: {
    inputShape: [28, 28, 1],
    nodes: [
      { name: 'c1', op: { op: 'conv2d', filters: 16, kernelSize: 3, padding: 'same', activation: 'relu' }, inputs: ['input'] },
      { name: 'p1', op: { op: 'maxpool2d', poolSize: 2 }, inputs: ['c1'] },
      { name: 'bn', op: { op: 'batchnorm' }, inputs: ['p1'] },
      { name: 'c2', op: { op: 'conv2d', filters: 32, kernelSize: 3, padding: 'same', activation: 'relu' }, inputs: ['bn'] },
      { name: 'p2', op: { op: 'maxpool2d', poolSize: 2 }, inputs: ['c2'] },
      { name: 'd', op: { op: 'dropout', rate: 0.25 }, inputs: ['p2'] },
      { name: 'f', op: { op: 'flatten' }, inputs: ['d'] },
      { name: 'fc', op: { op: 'dense', units: 64, activation: 'relu' }, inputs: ['f'] },
    ],
    outputFrom: 'fc',
    output: { units: 10, task: 'classification' },
  },
};

// Training samples per measurement. The cpu backend trains convolutions two orders of
// magnitude slower than the others, so it gets fewer samples to keep the run short.
function samplesFor(model: 'mlp' | 'cnn', backend: BackendName): number {
  if (model === 'mlp') return quick ? 2048 : 16384;
  if (backend === 'cpu') return quick ? 128 : 1024;
  return quick ? 1024 : 8192;
}

/** The first `count` training samples of `data`, with its validation split. */
function subset(data: Dataset, count: number): Dataset {
  const size = data.train.x.length / data.train.count;
  return { ...data, train: { x: data.train.x.subarray(0, count * size), y: data.train.y.subarray(0, count), count } };
}

async function measure(model: 'mlp' | 'cnn', backend: BackendName, mnist: Dataset): Promise<number> {
  await selectBackend(backend);
  const net = buildModel(models[model], { seed: 1 });
  // Warm-up on a few samples: the first calls compile wasm kernels and size buffers.
  await trainModel(net, subset(mnist, kWarmup), { batchSize: kBatch });
  const samples = samplesFor(model, backend);
  const result = await trainModel(net, subset(mnist, samples), { batchSize: kBatch });
  // trainModel validates after the epoch; take that time out, measured the same way.
  const started = performance.now();
  evaluateModel(net, mnist, 'validation');
  const validationSeconds = (performance.now() - started) / 1000;
  net.dispose();
  return samples / (result.epochs[0].seconds - validationSeconds);
}

const started = performance.now();
const backends = await probeBackends();
const largest = Math.max(...backends.flatMap((b) => [samplesFor('mlp', b), samplesFor('cnn', b)]));
const images = await loadMnist({ trainSize: largest, validationSize: kValidation, testSize: 0, seed: 1 });
const flat: Dataset = { ...images, featureShape: [784] };
const sps: Record<string, number> = {};
console.log(`bench:train ${quick ? '(quick) ' : ''}backends: ${backends.join(', ')}; batch ${kBatch}, Adam, one epoch per figure`);
for (const backend of backends) {
  for (const model of ['mlp', 'cnn'] as const) {
    const value = await measure(model, backend, model === 'mlp' ? flat : images);
    sps[`${model}_${backend}`] = value;
    console.log(`${model.padEnd(4)} ${backend.padEnd(14)} ${value.toFixed(0).padStart(8)} samples/s  (${samplesFor(model, backend)} samples)`);
  }
}
for (const model of ['mlp', 'cnn'] as const) {
  const ratio = sps[`${model}_wasm`] / sps[`${model}_cpu`];
  console.log(`${model} wasm/cpu: ${ratio.toFixed(1)}x (target >= 3x: ${ratio >= 3 ? 'met' : 'missed'})`);
}
console.log(`total ${((performance.now() - started) / 1000).toFixed(1)} s`);
const figure = (key: string): string => (sps[key] === undefined ? 'NA' : sps[key].toFixed(1));
console.log(`RESULT mlp_wasm_sps=${figure('mlp_wasm')} mlp_cpu_sps=${figure('mlp_cpu')} cnn_wasm_sps=${figure('cnn_wasm')} cnn_cpu_sps=${figure('cnn_cpu')}`);
