// nas/search/recorder.ts: what a search writes to its run directory as it goes: each proposal
// to the journal before its candidate is handed out, and each outcome (an evaluation, a
// failure on every try, a repeat's cached result) to the journal and to results.csv. Builds
// the records from what the actor measured and the search's clock. A write that fails throws:
// nothing is told to the strategy that is not on disk.

import type { EvaluationResult } from '../evaluation/evaluation-task.js';
import type { EvaluationRecord, FailureRecord, Journal, ProposalRecord, ResultsCsv } from '../run/index.js';
import type { Proposal } from './strategy.js';

/** What a record repeats of its proposal. */
type Candidate = Pick<ProposalRecord, 'id' | 'choices' | 'parent'>;

export class Recorder {
  readonly #journal: Journal;
  readonly #csv: ResultsCsv;

  constructor(journal: Journal, csv: ResultsCsv) {
    this.#journal = journal;
    this.#csv = csv;
  }

  proposal(p: Proposal, at: number): ProposalRecord {
    const r: ProposalRecord = { kind: 'proposal', id: p.id, choices: p.choices, parent: p.parent, at };
    this.#journal.append(r);
    return r;
  }

  evaluation(c: Candidate, result: EvaluationResult, startedAt: number, finishedAt: number): EvaluationRecord {
    return this.outcome({ kind: 'evaluation', id: c.id, choices: c.choices, parent: c.parent, ...result, startedAt, finishedAt });
  }

  failure(c: Candidate, err: unknown, attempts: number, finishedAt: number): FailureRecord {
    const e = err as { name?: string; code?: string; message?: string };
    return this.outcome({
      kind: 'failure',
      id: c.id,
      choices: c.choices,
      parent: c.parent,
      error: { name: e?.name ?? 'Error', code: e?.code ?? 'ERR_UNKNOWN', message: e?.message ?? String(err) },
      attempts,
      finishedAt,
    });
  }

  /** An outcome as built (a repeat's record, repeats.ts). */
  outcome<R extends EvaluationRecord | FailureRecord>(r: R): R {
    this.#journal.append(r);
    this.#csv.append(r);
    return r;
  }
}
