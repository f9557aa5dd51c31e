// store/gossip-simulator.ts: runs the gossip protocol of GossipReplica among many simulated
// ranks in one process, in synchronous rounds, without a transport: for convergence tests and
// the gossip benchmark at thousands of ranks. Every message is encoded with the real codec to
// count its bytes. A round has four phases (every live rank ticks and sends 'syn' to `fanout`
// peers; peers answer 'ack'; initiators answer 'ack2'; peers apply), so news travels at most
// two hops per round, as when every message takes about one period to arrive.

import { encodedDigestSize, encodeGossip, encodedSize } from './gossip-codec.js';
import { GossipReplica } from './gossip-replica.js';
import { defaultSuspectAfter } from './options.js';
import { choosePeers } from './peer-choice.js';
import { seededRandom } from '../util/seeded-random.js';
import type { GossipMsg, GossipRecord } from './gossip-protocol.js';

export interface GossipSimulationOptions<V> {
  ranks: number;
  fanout: number;
  /** How many distinct ranks each write one record before round 1 (all ranks by default). */
  writers?: number;
  /** The value a writer writes; a small object by default. */
  makeValue?: (rank: number) => V;
  /** Ranks that stop (no ticks, no answers, messages to them lost) from the given round on. */
  crashes?: Array<{ rank: number; atRound: number }>;
  /** Ticks of silence before suspicion; default 2·log2(ranks) + 6. */
  suspectAfter?: number;
  /** Stop after this many rounds even if not converged; default 4·log2(ranks) + 10. */
  maxRounds?: number;
  /** Keep running after convergence until this round (to watch suspicion), default none. */
  untilRound?: number;
  seed?: number;
}

export interface GossipSimulationResult {
  ranks: number;
  /** Rounds until every live rank held every record written; -1 if that never happened. */
  rounds: number;
  rounds_run: number;
  bytes: number;
  messages: number;
  /** Per crashed rank: how many live ranks suspect it when the simulation ends. */
  suspectedBy: Map<number, number>;
  /** Live ranks that wrongly suspect some live rank when the simulation ends. */
  falseSuspicions: number;
}

export function simulateGossip<V>(options: GossipSimulationOptions<V>): GossipSimulationResult {
  const n = options.ranks;
  const log2n = Math.ceil(Math.log2(Math.max(2, n)));
  const random = seededRandom(options.seed ?? 1);
  const suspectAfter = options.suspectAfter ?? defaultSuspectAfter(n);
  const maxRounds = options.maxRounds ?? 4 * log2n + 10;
  const replicas = Array.from({ length: n }, (_, rank) => new GossipReplica<V>({ rank, size: n, suspectAfter }));
  const crashAt = new Map((options.crashes ?? []).map((c) => [c.rank, c.atRound]));
  const alive = (rank: number, round: number): boolean => (crashAt.get(rank) ?? Infinity) > round;

  const writers = pickWriters(n, options.writers ?? n, random);
  const makeValue = options.makeValue ?? ((rank: number) => ({ rank }) as V);
  for (const w of writers) replicas[w]!.write(`w${w}`, makeValue(w));

  let bytes = 0;
  let messages = 0;
  const recordBytes = new WeakMap<GossipRecord<V>, number>();
  const noDigest = new Uint32Array(0);
  const emptyDigestBytes = encodedDigestSize(noDigest);
  const count = (msg: GossipMsg<V>): void => {
    messages++;
    const deltas = msg.kind === 'syn' ? undefined : msg.deltas.map((d) => ({ origin: d.origin, upTo: d.upTo, records: [] }));
    const skeleton = msg.kind === 'ack2' ? { ...msg, deltas: deltas! } : { ...msg, digest: noDigest, ...(deltas ? { deltas } : {}) };
    bytes += encodeGossip(skeleton as GossipMsg<V>).byteLength;
    if (msg.kind !== 'ack2') bytes += encodedDigestSize(msg.digest) - emptyDigestBytes;
    if (msg.kind === 'syn') return;
    for (const d of msg.deltas) {
      for (const r of d.records) {
        let size = recordBytes.get(r);
        if (size === undefined) recordBytes.set(r, (size = encodedSize(r)));
        bytes += size;
      }
    }
  };
  const holdsAll = (r: GossipReplica<V>): boolean => writers.every((w) => r.seen(w) >= 1);

  let converged = -1;
  let round = 0;
  const lastRound = Math.max(maxRounds, options.untilRound ?? 0);
  while (round < lastRound && (converged < 0 || round < (options.untilRound ?? 0))) {
    round++;
    const syns: Array<{ from: number; to: number; msg: Extract<GossipMsg<V>, { kind: 'syn' }> }> = [];
    for (const r of replicas) {
      if (!alive(r.rank, round)) continue;
      r.tick();
      for (const to of choosePeers(r.rank, n, options.fanout, (p) => r.isSuspected(p), random)) {
        const msg = r.syn();
        count(msg);
        syns.push({ from: r.rank, to, msg });
      }
    }
    const acks: Array<{ from: number; to: number; msg: Extract<GossipMsg<V>, { kind: 'ack' }> }> = [];
    for (const s of syns) {
      if (!alive(s.to, round)) continue;
      const msg = replicas[s.to]!.onSyn(s.msg);
      count(msg);
      acks.push({ from: s.to, to: s.from, msg });
    }
    // An initiator that hears nothing back within the round suspects the silent peer, as the
    // transport driver does when an exchange times out.
    const answered = new Set(acks.map((a) => a.from * n + a.to));
    for (const s of syns) if (!answered.has(s.to * n + s.from)) replicas[s.from]!.suspect(s.to);
    const ack2s: Array<{ to: number; msg: Extract<GossipMsg<V>, { kind: 'ack2' }> }> = [];
    for (const a of acks) {
      const msg = replicas[a.to]!.onAck(a.msg);
      count(msg);
      ack2s.push({ to: a.from, msg });
    }
    for (const a of ack2s) replicas[a.to]!.onAck2(a.msg);
    if (converged < 0 && replicas.every((r) => !alive(r.rank, round) || holdsAll(r))) converged = round;
  }

  const suspectedBy = new Map<number, number>();
  let falseSuspicions = 0;
  for (const [dead] of crashAt) suspectedBy.set(dead, 0);
  for (const r of replicas) {
    if (!alive(r.rank, round)) continue;
    let wrong = false;
    for (let p = 0; p < n; p++) {
      if (p === r.rank || !r.isSuspected(p)) continue;
      if (alive(p, round)) wrong = true;
      else suspectedBy.set(p, suspectedBy.get(p)! + 1);
    }
    if (wrong) falseSuspicions++;
  }
  return { ranks: n, rounds: converged, rounds_run: round, bytes, messages, suspectedBy, falseSuspicions };
}

function pickWriters(n: number, k: number, random: () => number): number[] {
  if (k >= n) return Array.from({ length: n }, (_, r) => r);
  const picked = new Set<number>();
  while (picked.size < k) picked.add(Math.floor(random() * n));
  return [...picked];
}
