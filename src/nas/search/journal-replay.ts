// nas/search/journal-replay.ts: a resumed search's past, read back from its journal. The
// strategy sees the same propose/tell sequence as before, so its state (and its random
// generator) is exactly where the interrupted search left it; a proposal that differs from the
// journal's means the search is not the same one, and is refused. What remains: the
// candidates that were in flight (proposed, with no outcome), to run again.

import { JournalError } from '../errors.js';
import type { JournalRecord, ProposalRecord } from '../run/index.js';
import type { CandidateOutcome, SearchStrategy } from './strategy.js';

export interface ReplayedSearch {
  /** Candidates proposed before. */
  proposed: number;
  /** Proposals without an outcome, in order of proposal. */
  inFlight: ProposalRecord[];
  /** Seconds of the search's clock already spent. */
  elapsed: number;
}

/** Replays `records` into `strategy`; `onOutcome` sees each past outcome after the strategy. */
export function replayJournal(records: readonly JournalRecord[], strategy: SearchStrategy, onOutcome: (r: CandidateOutcome) => void): ReplayedSearch {
  const outcome = new Set<number>();
  const proposals: ProposalRecord[] = [];
  let elapsed = 0;
  for (const r of records) {
    if (r.kind === 'proposal') {
      const p = strategy.propose();
      if (p.id !== r.id || p.choices.join() !== r.choices.join()) {
        throw new JournalError(`the journal's proposal ${r.id} [${r.choices}] differs from what this search proposes [${p.choices}]: was the config changed?`, { details: { id: r.id } });
      }
      proposals.push(r);
      elapsed = Math.max(elapsed, r.at);
    } else if (r.kind === 'evaluation' || r.kind === 'failure') {
      strategy.tell(r);
      onOutcome(r);
      outcome.add(r.id);
      elapsed = Math.max(elapsed, r.finishedAt);
    }
  }
  return { proposed: proposals.length, inFlight: proposals.filter((p) => !outcome.has(p.id)), elapsed };
}
