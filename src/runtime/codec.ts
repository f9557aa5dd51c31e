// runtime/codec.ts: msgpackr encoding of every user value the runtime carries (call arguments,
// results, constructor arguments, stored objects). Typed arrays travel as bytes with their
// element type; actor handles travel as their ActorRef and are re-bound, when decoded, to the
// router of the thread decoding them; object refs travel as their data. Functions and symbols
// cannot cross and raise a SerializationError instead of vanishing.

import { Packr, addExtension } from 'msgpackr';
import { HandleCore, kActor } from './handle.js';
import { ObjectRef } from './object-ref.js';
import { SerializationError } from './errors.js';
import type { ActorRef, ObjectRefData } from './protocol.js';

/** Turns a decoded ActorRef into a live handle of the decoding thread. */
export type HandleBinder = (ref: ActorRef) => unknown;

// msgpack extension type numbers (application range 0–127); fixed forever, they are on the wire.
const kExtHandle = 0x47;
const kExtObjectRef = 0x48;

/** Set only for the duration of one decode() call: decoding is synchronous, so this cannot leak. */
let activeBinder: HandleBinder | undefined;

addExtension({
  Class: HandleCore,
  type: kExtHandle,
  write(handle: HandleCore): ActorRef {
    // `handle` is the Proxy; its reserved symbol member reads through to the core's ref.
    return (handle as unknown as { [kActor]: ActorRef })[kActor];
  },
  read(ref: ActorRef): unknown {
    if (!activeBinder) throw new SerializationError('an actor handle arrived where none can be bound');
    return activeBinder(ref);
  },
});

addExtension({
  Class: ObjectRef,
  type: kExtObjectRef,
  write(ref: ObjectRef): ObjectRefData {
    return ref.toData();
  },
  read(data: ObjectRefData): ObjectRef {
    return new ObjectRef(data);
  },
});

const packr = new Packr({
  moreTypes: true,
  useRecords: false,
  writeFunction: () => {
    throw new SerializationError('a function cannot be sent to another thread or rank');
  },
});

/** Encodes `value`; throws a SerializationError naming the problem when it cannot. */
export function encode(value: unknown): Uint8Array {
  try {
    return packr.pack(value);
  } catch (err) {
    if (err instanceof SerializationError) throw err;
    throw new SerializationError(`value cannot be encoded: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Encodes into a buffer of its own. msgpackr returns views into a shared scratch buffer, and
 * structured clone copies a view's whole backing buffer, so bytes bound for postMessage are cut
 * out first (and then transferred, not copied again).
 */
export function encodeDetached(value: unknown): Uint8Array {
  // A copy: msgpackr returns a Buffer, whose slice() would be another view of the scratch buffer.
  return new Uint8Array(encode(value));
}

export function decode<T = unknown>(bytes: Uint8Array, binder?: HandleBinder): T {
  const previous = activeBinder;
  activeBinder = binder;
  try {
    return packr.unpack(bytes) as T;
  } finally {
    activeBinder = previous;
  }
}
