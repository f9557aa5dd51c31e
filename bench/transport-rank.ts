// bench/transport-rank.ts: graft's side of bench/transport.ts, run on 2 MPI ranks by it. Makes
// the same measurements as bench/c/transport-ref.c through graft's Transport and prints them in
// the same format, plus the CPU an idle rank burns:
//   latency_us <x> | send <bytes> <GiB/s> | get <bytes> <GiB/s> | idle_cpu_pct <x>

import { openTransport } from 'graft/transport';
import type { Transport } from 'graft/transport';

const kSizes = [4 << 10, 64 << 10, 1 << 20, 16 << 20, 64 << 20];
const quick = process.argv.includes('quick');
// Bytes per measurement (2 GiB does not fit the 32-bit shifts, so it is multiplied).
const total = (quick ? 512 : 2048) * 2 ** 20;
const kPing = 1;
const kData = 2;
const kAck = 3;

const t = await openTransport();
if (t.size !== 2) throw new Error(`run on 2 ranks, not ${t.size}`);
const peer = 1 - t.rank;
const inbox = mailbox(t, kPing);
const acks = mailbox(t, kAck);
const repetitions = (size: number) => Math.max(4, Math.floor(total / size));
// A full untimed pass warms up first (buffers, pools, page mappings), as in the C program.
const warmup = (rounds: number) => rounds;

// Latency: 8-byte ping-pong, half the round trip (first pass warms up).
const iterations = quick ? 5000 : 20000;
const eight = new Uint8Array(8);
for (let pass = 0; pass < 2; pass++) {
  await t.barrier();
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) {
    if (t.rank === 0) {
      void t.send(peer, kPing, eight);
      await inbox.next();
    } else {
      await inbox.next();
      void t.send(peer, kPing, eight);
    }
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (t.rank === 0 && pass === 1) console.log(`latency_us ${((seconds * 1e6) / (2 * iterations)).toFixed(3)}`);
}

// Send bandwidth: a window of messages, then a one-byte acknowledgement.
const payload = new Uint8Array(64 << 20).fill(t.rank + 1);
const landing = new Uint8Array(64 << 20);
let received = 0;
let windowDone: (() => void) | undefined;
let windowSize = 0;
// The subscriber only counts its messages: it borrows them, so their memory serves the next.
t.subscribe(
  kData,
  () => {
    if (++received === windowSize) windowDone?.();
  },
  { borrow: true },
);
/** One window from rank 0 to rank 1, by the posted channel or by subscription. */
async function sendWindow(message: Uint8Array, window: number, posted: boolean): Promise<void> {
  if (t.rank === 0) {
    const send = posted ? () => t.sendInto(peer, kData, message) : () => t.send(peer, kData, message);
    await Promise.all(Array.from({ length: window }, send));
    await acks.next();
    return;
  }
  if (posted) {
    await Promise.all(Array.from({ length: window }, () => t.receiveInto(peer, kData, landing)));
  } else {
    windowSize = window;
    await new Promise<void>((resolve) => {
      windowDone = resolve;
      if (received === window) resolve();
    });
    received = 0;
  }
  await t.send(peer, kAck, eight);
}
for (const posted of [true, false]) {
  for (const size of kSizes) {
    const window = size >= 16 << 20 ? 2 : 16;
    const rounds = repetitions(size * window);
    const message = payload.subarray(0, size);
    let start = 0n;
    for (let r = 0; r < warmup(rounds) + rounds; r++) {
      if (r === warmup(rounds)) {
        await t.barrier();
        start = process.hrtime.bigint();
      }
      await sendWindow(message, window, posted);
    }
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const gibps = ((size * window * rounds) / seconds / 2 ** 30).toFixed(3);
    if (t.rank === 0) console.log(`${posted ? 'send' : 'subscribe'} ${size} ${gibps}`);
  }
}

// One-sided get: rank 0 reads rank 1's exposed memory, one read at a time, into one buffer
// (as the C program does).
const region = t.expose(payload);
const destination = new Uint8Array(64 << 20);
const refs = await t.allgather(new Float64Array([region.ref.id, region.ref.length]));
const [id, length] = new Float64Array(refs[peer]!.slice().buffer);
for (const size of kSizes) {
  const rounds = repetitions(size);
  await t.barrier();
  if (t.rank === 0) {
    let start = 0n;
    for (let r = 0; r < warmup(rounds) + rounds; r++) {
      if (r === warmup(rounds)) start = process.hrtime.bigint();
      await t.get({ rank: peer, id: id!, length: length! }, 0, size, destination);
    }
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    console.log(`get ${size} ${((size * rounds) / seconds / 2 ** 30).toFixed(3)}`);
  }
}

// Idle CPU: both ranks wait for messages that do not come; whole-process CPU over the wait.
await t.barrier();
// Settle first: past the polling window, and past V8's clean-up of the garbage the transfers
// left (its memory reducer collects for a second or so after activity stops).
await new Promise((resolve) => setTimeout(resolve, 2000));
const before = process.cpuUsage();
const started = process.hrtime.bigint();
await new Promise((resolve) => setTimeout(resolve, quick ? 2000 : 4000));
const used = process.cpuUsage(before);
const wall = Number(process.hrtime.bigint() - started) / 1e3;
const idle = new Float64Array([((used.user + used.system) / wall) * 100]);
const idles = await t.allgather(idle);
if (t.rank === 0) console.log(`idle_cpu_pct ${Math.max(...idles.map((b) => new Float64Array(b.slice().buffer)[0]!)).toFixed(2)}`);
region.release();
await t.close();

/** Messages of one tag as an awaitable queue. */
function mailbox(transport: Transport, tag: number): { next(): Promise<Uint8Array> } {
  const queue: Uint8Array[] = [];
  let waiter: ((bytes: Uint8Array) => void) | undefined;
  transport.subscribe(tag, (_source, bytes) => {
    if (waiter) {
      const resolve = waiter;
      waiter = undefined;
      resolve(bytes);
    } else queue.push(bytes);
  });
  return {
    next: () => (queue.length > 0 ? Promise.resolve(queue.shift()!) : new Promise((resolve) => (waiter = resolve))),
  };
}
