// runtime/typed.ts: typed arrays by name, and the moves between a typed array, shared memory
// and plain bytes that object refs need.

import type { LocalObject, TypedArrayName, WireObject } from './protocol.js';

export type AnyTypedArray =
  | Int8Array | Uint8Array | Uint8ClampedArray | Int16Array | Uint16Array | Int32Array | Uint32Array
  | Float32Array | Float64Array | BigInt64Array | BigUint64Array;

type TypedArrayClass = { new (buffer: ArrayBufferLike, byteOffset: number, length: number): AnyTypedArray; BYTES_PER_ELEMENT: number };

const kClasses: Record<TypedArrayName, TypedArrayClass> = {
  Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
  Float32Array, Float64Array, BigInt64Array, BigUint64Array,
};

/** The element type's name (a Buffer counts as a Uint8Array), or undefined for anything else. */
export function typedArrayName(value: unknown): TypedArrayName | undefined {
  if (!ArrayBuffer.isView(value) || value instanceof DataView) return undefined;
  for (const name of Object.keys(kClasses) as TypedArrayName[]) if (value instanceof kClasses[name]) return name;
  return undefined;
}

/** Shared memory holding the array's elements: the array's own when it is already shared. */
export function toShared(value: AnyTypedArray, dtype: TypedArrayName): Extract<LocalObject, { kind: 'typed' }> {
  if (value.buffer instanceof SharedArrayBuffer) {
    return { kind: 'typed', dtype, buffer: value.buffer, byteOffset: value.byteOffset, length: value.length };
  }
  const buffer = new SharedArrayBuffer(value.byteLength);
  new Uint8Array(buffer).set(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
  return { kind: 'typed', dtype, buffer, byteOffset: 0, length: value.length };
}

export function viewOf(object: Extract<LocalObject, { kind: 'typed' }>): AnyTypedArray {
  return new kClasses[object.dtype](object.buffer, object.byteOffset, object.length);
}

export function byteLengthOf(object: LocalObject): number {
  if (object.kind === 'value') return object.bytes.byteLength;
  return object.length * kClasses[object.dtype].BYTES_PER_ELEMENT;
}

export function toWireObject(object: LocalObject): WireObject {
  if (object.kind === 'value') return object;
  return { kind: 'typed', dtype: object.dtype, bytes: new Uint8Array(object.buffer, object.byteOffset, byteLengthOf(object)) };
}

export function fromWireObject(object: WireObject): LocalObject {
  if (object.kind === 'value') return object;
  const buffer = new SharedArrayBuffer(object.bytes.byteLength);
  new Uint8Array(buffer).set(object.bytes);
  return { kind: 'typed', dtype: object.dtype, buffer, byteOffset: 0, length: object.bytes.byteLength / kClasses[object.dtype].BYTES_PER_ELEMENT };
}
