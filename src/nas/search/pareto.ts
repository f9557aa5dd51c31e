// nas/search/pareto.ts: comparing candidates on several objectives at once, as NSGA-II does (Deb et
// al. 2002): Pareto dominance, non-dominated ranks (rank 0 is the front: no other point is at
// least as good on every objective and better on one), and the crowding distance within a
// rank, which prefers points in sparse parts of the front. Points come oriented so that
// larger is better on every objective; NaN (a failed candidate) is worse than any number.

/** True when `a` is at least as good as `b` everywhere and better somewhere. */
export function dominates(a: readonly number[], b: readonly number[]): boolean {
  let better = false;
  for (let k = 0; k < a.length; k++) {
    const x = comparable(a[k]!);
    const y = comparable(b[k]!);
    if (x < y) return false;
    if (x > y) better = true;
  }
  return better;
}

/** Each point's non-dominated rank: 0 for the front, 1 for the front of the rest, and so on. */
export function nondominatedRanks(points: readonly (readonly number[])[]): number[] {
  const n = points.length;
  const dominatedBy = new Array<number>(n).fill(0);
  const dominating: number[][] = Array.from({ length: n }, () => []);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (dominates(points[i]!, points[j]!)) {
        dominating[i]!.push(j);
        dominatedBy[j]!++;
      } else if (dominates(points[j]!, points[i]!)) {
        dominating[j]!.push(i);
        dominatedBy[i]!++;
      }
    }
  }
  const ranks = new Array<number>(n).fill(-1);
  let current = points.map((_, i) => i).filter((i) => dominatedBy[i] === 0);
  for (let rank = 0; current.length > 0; rank++) {
    const next: number[] = [];
    for (const i of current) {
      ranks[i] = rank;
      for (const j of dominating[i]!) if (--dominatedBy[j]! === 0) next.push(j);
    }
    current = next;
  }
  return ranks;
}

/**
 * The crowding distance of each of `members` (indices into `points`, one rank): the sum over
 * objectives of the gap between its two neighbours, normalised by the objective's range;
 * the extremes of every objective get Infinity, so they are always kept.
 */
export function crowdingDistances(points: readonly (readonly number[])[], members: readonly number[]): Map<number, number> {
  const distance = new Map<number, number>(members.map((i) => [i, 0]));
  if (members.length === 0) return distance;
  const objectives = points[members[0]!]!.length;
  for (let k = 0; k < objectives; k++) {
    const sorted = [...members].sort((a, b) => comparable(points[a]![k]!) - comparable(points[b]![k]!) || a - b);
    const low = comparable(points[sorted[0]!]![k]!);
    const high = comparable(points[sorted[sorted.length - 1]!]![k]!);
    distance.set(sorted[0]!, Infinity);
    distance.set(sorted[sorted.length - 1]!, Infinity);
    const range = high - low;
    if (!(range > 0) || !Number.isFinite(range)) continue;
    for (let s = 1; s < sorted.length - 1; s++) {
      const gap = comparable(points[sorted[s + 1]!]![k]!) - comparable(points[sorted[s - 1]!]![k]!);
      distance.set(sorted[s]!, distance.get(sorted[s]!)! + gap / range);
    }
  }
  return distance;
}

/** Rank and crowding distance of every point, for the NSGA-II order (rank up, distance down). */
export function paretoOrder(points: readonly (readonly number[])[]): Array<{ rank: number; crowding: number }> {
  const ranks = nondominatedRanks(points);
  const order = ranks.map((rank) => ({ rank, crowding: 0 }));
  const byRank = new Map<number, number[]>();
  ranks.forEach((rank, i) => (byRank.get(rank) ?? byRank.set(rank, []).get(rank)!).push(i));
  for (const members of byRank.values()) {
    for (const [i, d] of crowdingDistances(points, members)) order[i]!.crowding = d;
  }
  return order;
}

/** True when `a` goes before `b` in the NSGA-II order: a lower rank, or a sparser place on it. */
export function paretoBetter(a: { rank: number; crowding: number }, b: { rank: number; crowding: number }): boolean {
  return a.rank < b.rank || (a.rank === b.rank && a.crowding > b.crowding);
}

/** Indices of the front (rank 0). */
export function paretoFront(points: readonly (readonly number[])[]): number[] {
  return nondominatedRanks(points).flatMap((rank, i) => (rank === 0 ? [i] : []));
}

function comparable(value: number): number {
  return Number.isNaN(value) ? -Infinity : value;
}
