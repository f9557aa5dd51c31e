// test/report/hand-made-runs.ts: runs built in memory from a few fields per record, for tests
// whose expected figures are worked out by hand.

import type { EvaluationRecord, PairRecord } from 'graft/nas';
import type { Run } from 'graft/report';

export interface EvaluationFields {
  id: number;
  score: number | null;
  finishedAt?: number;
  repeatOf?: number;
  paramsTransferred?: number;
  paramsTotal?: number;
}

export function evaluation(f: EvaluationFields): EvaluationRecord {
  const finishedAt = f.finishedAt ?? f.id + 1;
  return {
    kind: 'evaluation',
    id: f.id,
    choices: [f.id],
    parent: null,
    score: f.score as number,
    valLoss: 0.3,
    epochs: 1,
    trainSeconds: 1,
    totalSeconds: 1,
    curve: [],
    ...(f.repeatOf === undefined ? {} : { repeatOf: f.repeatOf }),
    transfer: {
      donorId: null,
      layersMatched: 0,
      layersTransferred: f.paramsTransferred ? 1 : 0,
      layersSkipped: 0,
      ...(f.paramsTransferred === undefined ? {} : { paramsTransferred: f.paramsTransferred }),
      ...(f.paramsTotal === undefined ? {} : { paramsTotal: f.paramsTotal }),
      bytesFetched: 0,
      fetchSeconds: 0,
      source: 'none',
    },
    rank: 0,
    actor: 'trainer-0',
    backend: 'cpu',
    startedAt: finishedAt - 1,
    finishedAt,
  };
}

export function pair(id: number, score: number | null): PairRecord {
  return { kind: 'pair', id, score: score as number, valLoss: 0.3, epochs: 1, steps: 10, trainSeconds: 1, curve: [] };
}

export function handMadeRun(label: string, evaluations: readonly EvaluationFields[], pairs: readonly PairRecord[] = []): Run {
  return { dir: `/runs/${label}`, label, evaluations: evaluations.map(evaluation), failures: [], topk: [], pairs: [...pairs], truncatedTail: false };
}
