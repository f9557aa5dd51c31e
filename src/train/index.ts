// train/index.ts: the training layer's public surface: backends, datasets, the model builder
// with stable layer ids, weight transfer I/O, the training loop and model files.

export type * from './architecture.js';
export * from './errors.js';
export { probeBackends, selectBackend, selectedBackend, isBackendName, kBackendNames, type BackendName } from './backend.js';
export { wasmGradientKernelNames } from './wasm-kernels.js';
export { shareDataset, type Dataset, type DataSplit, type Normalization, type SplitOptions } from './data/dataset.js';
export {
  loadMnist, loadFashionMnist, loadIdxImages, checkIdxImages, defaultMnistDir, defaultFashionMnistDir, kFashionMnistDirEnv,
  type IdxImageSet, type MnistOptions,
} from './data/mnist.js';
export { parseIdx, type IdxArray } from './data/idx.js';
export { parseNpy, readNpy, loadNpyDataset, type NpyArray, type NpyDatasetOptions } from './data/npy.js';
export { loadCsvDataset, type CsvDatasetOptions } from './data/csv.js';
export { makeSyntheticDataset, type SyntheticOptions } from './data/synthetic.js';
export { checkArchitecture, type CheckedNode } from './architecture-check.js';
export { layerIds, type LayerIdEntry } from './layer-ids.js';
export { architectureParams } from './param-count.js';
export { architectureFlops } from './flop-count.js';
export { measureLatency, checkLatencyBackend, kTimingBackends, type LatencyOptions } from './latency.js';
export { buildModel, type BuildOptions } from './model-builder.js';
export { SeededDropout, type SeededDropoutArgs } from './seeded-dropout.js';
export { extractLayers, loadLayers, countParams, weightedLayerShapes, type LoadOptions, type LoadReport, type SkipReason, type TransferMode } from './weights.js';
export { trainModel, kOptimizers, type EarlyStopping, type EpochMetrics, type OptimizerName, type TrainOptions, type TrainResult } from './trainer.js';
export { evaluateModel, type Evaluation } from './evaluate.js';
export { saveModel, loadModel, fileModelHandler } from './model-io.js';
export { writeTrainingState, readTrainingState, type TrainingState, type SavedVariable } from './training-state.js';
