// test/helpers/outcomes.ts: a proposal's outcome with a given score, for telling a strategy
// without running a search.

import type { EvaluationRecord, Proposal } from 'graft/nas';
import { evaluation } from '../report/hand-made-runs.js';

export function scored(p: Proposal, score: number): EvaluationRecord {
  return { ...evaluation({ id: p.id, score }), choices: p.choices, parent: p.parent };
}
