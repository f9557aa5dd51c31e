// train/wasm-kernels.ts: gradient kernels for the tfjs wasm backend. Training a small CNN
// (conv2d, pooling, batch norm, dropout, dense) or a conv1d model on wasm 4.22 needs one
// kernel wasm does not have, Conv2DBackpropFilter (conv1d runs through conv2d, so it needs the
// same), and one wasm gets wrong: its MaxPoolGrad sends the gradient of a window whose values
// are all negative to the window's first element instead of its maximum. Both are supplied
// here; every other gradient kernel those models use is wasm's own and matches cpu.
// The filter gradient is im2col in JavaScript plus wasm's own BatchMatMul.

import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';

/** The slice of the wasm backend's surface these kernels use (it exports no such type). */
interface WasmBackend {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array;
  disposeData(dataId: object): boolean;
}

// Largest patch matrix built at once, in floats (16 MiB); bigger batches go in chunks.
const kMaxPatchFloats = 4 * 1024 * 1024;

/** Registers these kernels for 'wasm', replacing wasm's own where it has one. Idempotent. */
export function registerWasmGradientKernels(): void {
  for (const config of kKernels) {
    const current = tf.getKernel(config.kernelName, 'wasm');
    if (current?.kernelFunc === config.kernelFunc) continue;
    if (current) tf.unregisterKernel(config.kernelName, 'wasm');
    tf.registerKernel(config);
  }
}

/** Names of the kernels this module supplies, for reports and tests. */
export function wasmGradientKernelNames(): string[] {
  return kKernels.map((k) => k.kernelName);
}

const conv2DBackpropFilter: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const a = attrs as NamedAttrMap & {
    strides: [number, number] | number;
    pad: 'valid' | 'same' | number;
    dataFormat: 'NHWC' | 'NCHW';
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
    filterShape: [number, number, number, number];
  };
  if (a.dataFormat === 'NCHW') throw new Error('Conv2DBackpropFilter on wasm supports NHWC only');
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    a.filterShape,
    a.strides,
    1,
    a.pad,
    a.dimRoundingMode,
    false,
    'channelsLast',
  );
  const wasm = backend as unknown as WasmBackend;
  const matMul = tf.getKernel('BatchMatMul', 'wasm')!.kernelFunc;
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { filterHeight, filterWidth, strideHeight, strideWidth, dilationHeight, dilationWidth } = info;
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;
  const k = filterHeight * filterWidth * inChannels;
  const rowsPerSample = outHeight * outWidth;
  const samplesPerChunk = Math.max(1, Math.floor(kMaxPatchFloats / (rowsPerSample * k)));
  const grad = new Float32Array(k * outChannels);

  for (let b0 = 0; b0 < batchSize; b0 += samplesPerChunk) {
    const nb = Math.min(samplesPerChunk, batchSize - b0);
    const rows = nb * rowsPerSample;
    // The patch matrix is built transposed, [k, rows], so that the product below needs no
    // transpose: wasm's BatchMatMul ran 5-14x slower with transposeA on these shapes.
    const patchesT = wasm.makeOutput([1, k, rows], 'float32');
    const dyPart = wasm.makeOutput([1, rows, outChannels], 'float32');
    // Heap views are taken after every allocation: growing wasm memory detaches older views.
    const xs = wasm.typedArrayFromHeap(x);
    const p = wasm.typedArrayFromHeap(patchesT);
    wasm.typedArrayFromHeap(dyPart).set(
      wasm.typedArrayFromHeap(dy).subarray(b0 * rowsPerSample * outChannels, (b0 + nb) * rowsPerSample * outChannels),
    );
    let row = 0;
    for (let fh = 0; fh < filterHeight; fh++) {
      for (let fw = 0; fw < filterWidth; fw++) {
        for (let c = 0; c < inChannels; c++, row++) {
          let at = row * rows;
          for (let b = b0; b < b0 + nb; b++) {
            const xBase = b * inHeight * inWidth * inChannels + c;
            for (let oh = 0; oh < outHeight; oh++) {
              const ih = oh * strideHeight + fh * dilationHeight - padTop;
              if (ih < 0 || ih >= inHeight) {
                p.fill(0, at, at + outWidth);
                at += outWidth;
                continue;
              }
              const rowBase = xBase + ih * inWidth * inChannels;
              for (let ow = 0; ow < outWidth; ow++, at++) {
                const iw = ow * strideWidth + fw * dilationWidth - padLeft;
                p[at] = iw < 0 || iw >= inWidth ? 0 : xs[rowBase + iw * inChannels];
              }
            }
          }
        }
      }
    }
    // grad[k, outChannels] += patchesT · dy
    const part = matMul({
      inputs: { a: patchesT, b: dyPart },
      attrs: { transposeA: false, transposeB: false },
      backend,
    }) as TensorInfo;
    const partView = wasm.typedArrayFromHeap(part);
    for (let i = 0; i < grad.length; i++) grad[i] += partView[i];
    wasm.disposeData(patchesT.dataId);
    wasm.disposeData(dyPart.dataId);
    wasm.disposeData(part.dataId);
  }
  const out = wasm.makeOutput([...a.filterShape], 'float32');
  wasm.typedArrayFromHeap(out).set(grad);
  return out;
};

const maxPoolGrad: KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, input } = inputs as { dy: TensorInfo; input: TensorInfo };
  const a = attrs as NamedAttrMap & {
    filterSize: [number, number] | number;
    strides: [number, number] | number;
    pad: 'valid' | 'same' | number;
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
  };
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number], a.filterSize, a.strides, 1, a.pad, a.dimRoundingMode,
  );
  const wasm = backend as unknown as WasmBackend;
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth } = info;
  const { filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;
  const out = wasm.makeOutput([...input.shape], 'float32');
  const dx = wasm.typedArrayFromHeap(out);
  const xs = wasm.typedArrayFromHeap(input);
  const dys = wasm.typedArrayFromHeap(dy);
  dx.fill(0);
  for (let b = 0; b < batchSize; b++) {
    const base = b * inHeight * inWidth * channels;
    for (let oh = 0; oh < outHeight; oh++) {
      const h0 = Math.max(0, oh * strideHeight - padTop);
      const h1 = Math.min(inHeight, oh * strideHeight - padTop + filterHeight);
      for (let ow = 0; ow < outWidth; ow++) {
        const w0 = Math.max(0, ow * strideWidth - padLeft);
        const w1 = Math.min(inWidth, ow * strideWidth - padLeft + filterWidth);
        const dyBase = ((b * outHeight + oh) * outWidth + ow) * channels;
        for (let c = 0; c < channels; c++) {
          // The first maximum in row-major order wins ties, as in the cpu backend.
          let best = -Infinity;
          let at = -1;
          for (let h = h0; h < h1; h++) {
            for (let w = w0; w < w1; w++) {
              const i = base + (h * inWidth + w) * channels + c;
              if (xs[i] > best) {
                best = xs[i];
                at = i;
              }
            }
          }
          if (at >= 0) dx[at] += dys[dyBase + c];
        }
      }
    }
  }
  return out;
};

const kKernels: KernelConfig[] = [
  { kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc: conv2DBackpropFilter },
  { kernelName: 'MaxPoolGrad', backendName: 'wasm', kernelFunc: maxPoolGrad },
];
