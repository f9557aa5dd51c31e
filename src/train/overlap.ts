// train/overlap.ts: copies the overlap of two row-major arrays of the same rank and different
// shapes (index-wise, the minimum of each dimension) from one into the other, leaving the rest
// of the target as it was: the slicing behind partial weight transfer. Pure; knows no tfjs.

type Values = Float32Array | Int32Array | Uint8Array;

/**
 * Copies `from[i…]` into `to[i…]` for every index inside both shapes; returns the number of
 * elements copied. Both shapes have the same rank, at least 1.
 */
export function copyOverlap(from: Values, fromShape: readonly number[], to: Values, toShape: readonly number[]): number {
  const rank = fromShape.length;
  const overlap = fromShape.map((d, i) => Math.min(d, toShape[i]));
  const count = overlap.reduce((a, b) => a * b, 1);
  if (count === 0) return 0;
  const fromStrides = stridesOf(fromShape);
  const toStrides = stridesOf(toShape);
  // The last dimension's overlap is contiguous in both arrays: copy it a row at a time while
  // an odometer walks the leading dimensions.
  const run = overlap[rank - 1];
  const index = new Array<number>(rank - 1).fill(0);
  for (let row = 0; row < count / run; row++) {
    let f = 0;
    let t = 0;
    for (let d = 0; d < rank - 1; d++) {
      f += index[d] * fromStrides[d];
      t += index[d] * toStrides[d];
    }
    to.set(from.subarray(f, f + run), t);
    for (let d = rank - 2; d >= 0 && ++index[d] === overlap[d]; d--) index[d] = 0;
  }
  return count;
}

function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = stride;
    stride *= shape[d];
  }
  return strides;
}
