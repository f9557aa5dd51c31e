// store/gossip-codec.ts: gossip messages to bytes and back (msgpack). A digest travels packed:
// its rank count, the highest heartbeat in it, then per rank the seen sequence and the
// heartbeat's distance below that highest one, all as LEB128 varints. Ranks beat in step, so
// most distances are 0 or 1 and a rank costs 2–3 bytes instead of 8. Checks the protocol
// version and the message shape at the door; everything past decode trusts the message.

import { Packr } from 'msgpackr';
import { GossipProtocolError } from './errors.js';
import { kGossipProtocolVersion, type Digest, type GossipMsg } from './gossip-protocol.js';

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
    if (!(msg.digest instanceof Uint8Array)) throw new GossipProtocolError(`'${msg.kind}' lacks a digest`);
    msg.digest = digestFrom(msg.digest);
  }
  return msg as unknown as GossipMsg<V>;
}

/** How many bytes `digest` takes inside an encoded message (its msgpack bin header included),
 * without encoding it: the round simulator counts bytes with this. */
export function encodedDigestSize(d: Digest): number {
  const ranks = d.length / 2;
  let top = 0;
  for (let o = 0; o < ranks; o++) top = Math.max(top, d[2 * o + 1]!);
  let n = varintLength(ranks) + varintLength(top);
  for (let o = 0; o < ranks; o++) n += varintLength(d[2 * o]!) + varintLength(top - d[2 * o + 1]!);
  return n + (n < 256 ? 2 : n < 65536 ? 3 : 5);
}

function varintLength(v: number): number {
  return v < 0x80 ? 1 : v < 0x4000 ? 2 : v < 0x200000 ? 3 : v < 0x10000000 ? 4 : 5;
}

function digestBytes(d: Digest): Uint8Array {
  const ranks = d.length / 2;
  let top = 0;
  for (let o = 0; o < ranks; o++) top = Math.max(top, d[2 * o + 1]!);
  const out = new Uint8Array(10 + ranks * 10);
  let at = writeVarint(out, 0, ranks);
  at = writeVarint(out, at, top);
  for (let o = 0; o < ranks; o++) {
    at = writeVarint(out, at, d[2 * o]!);
    at = writeVarint(out, at, top - d[2 * o + 1]!);
  }
  return out.subarray(0, at);
}

function digestFrom(bytes: Uint8Array): Digest {
  const cursor = { at: 0 };
  const ranks = readVarint(bytes, cursor);
  const top = readVarint(bytes, cursor);
  if (ranks > bytes.byteLength) throw new GossipProtocolError('digest claims more ranks than it has bytes');
  const d = new Uint32Array(2 * ranks);
  for (let o = 0; o < ranks; o++) {
    d[2 * o] = readVarint(bytes, cursor);
    const below = readVarint(bytes, cursor);
    if (below > top) throw new GossipProtocolError('digest heartbeat below zero');
    d[2 * o + 1] = top - below;
  }
  if (cursor.at !== bytes.byteLength) throw new GossipProtocolError('digest has trailing bytes');
  return d;
}

function writeVarint(out: Uint8Array, at: number, value: number): number {
  let v = value;
  while (v >= 0x80) {
    out[at++] = (v & 0x7f) | 0x80;
    v = Math.floor(v / 128);
  }
  out[at++] = v;
  return at;
}

function readVarint(bytes: Uint8Array, cursor: { at: number }): number {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 5; i++) {
    if (cursor.at >= bytes.byteLength) throw new GossipProtocolError('digest ends inside a number');
    const b = bytes[cursor.at++]!;
    value += (b & 0x7f) * scale;
    if (b < 0x80) {
      if (value > 0xffffffff) throw new GossipProtocolError('digest number out of range');
      return value;
    }
    scale *= 128;
  }
  throw new GossipProtocolError('digest number too long');
}
