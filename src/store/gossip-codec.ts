// store/gossip-codec.ts: gossip messages to bytes and back (msgpack; digests as raw bytes of a
// Uint32Array). Checks the protocol version and the message shape at the door; everything past
// decode trusts the message.

import { Packr } from 'msgpackr';
import { GossipProtocolError } from './errors.js';
import { kGossipProtocolVersion, type Digest, type GossipMsg } from './protocol.js';

const packr = new Packr({ useRecords: true });

export function encodeGossip<V>(msg: GossipMsg<V>): Uint8Array {
  const wire = 'digest' in msg ? { ...msg, digest: digestBytes(msg.digest) } : msg;
  return packr.pack(wire);
}

/** Bytes of one value encoded on its own: what it adds to a message, give or take the shared
 * msgpack record headers (so a sum of these is a slight overestimate). */
export function encodedSize(value: unknown): number {
  return packr.pack(value).byteLength;
}

export function decodeGossip<V>(bytes: Uint8Array): GossipMsg<V> {
  let raw: unknown;
  try {
    raw = packr.unpack(bytes);
  } catch (cause) {
    throw new GossipProtocolError('gossip message is not valid msgpack', { cause });
  }
  const msg = raw as Record<string, unknown>;
  if (typeof msg !== 'object' || msg === null || typeof msg.kind !== 'string' || typeof msg.id !== 'number') {
    throw new GossipProtocolError('gossip message lacks kind or id');
  }
  if (msg.v !== kGossipProtocolVersion) {
    throw new GossipProtocolError(`gossip protocol version ${String(msg.v)}, expected ${kGossipProtocolVersion}`, {
      details: { version: msg.v },
    });
  }
  if (msg.kind !== 'syn' && msg.kind !== 'ack' && msg.kind !== 'ack2') {
    throw new GossipProtocolError(`unknown gossip message kind '${msg.kind}'`);
  }
  if (msg.kind !== 'syn' && !Array.isArray(msg.deltas)) throw new GossipProtocolError(`'${msg.kind}' lacks deltas`);
  if (msg.kind !== 'ack2') {
    if (!(msg.digest instanceof Uint8Array) || msg.digest.byteLength % 8 !== 0) {
      throw new GossipProtocolError(`'${msg.kind}' lacks a digest`);
    }
    msg.digest = digestFrom(msg.digest);
  }
  return msg as unknown as GossipMsg<V>;
}

function digestBytes(d: Digest): Uint8Array {
  return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
}

function digestFrom(bytes: Uint8Array): Digest {
  // Copy into a fresh buffer: the decoded bytes may sit at an offset not divisible by 4.
  const d = new Uint32Array(bytes.byteLength / 4);
  new Uint8Array(d.buffer).set(bytes);
  return d;
}
