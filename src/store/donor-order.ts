// store/donor-order.ts: which of two stored models makes the better donor when both share a
// prefix of the same length with a candidate: the better score, then the newer model, then
// the smaller id (so every rank picks the same donor). A plain function: the policy can change
// without touching the prefix index.

export interface DonorCandidate {
  modelId: string;
  score: number;
  createdAt: number;
}

/** Negative when `a` is the better donor, positive when `b` is, 0 only for the same model. */
export type DonorOrder = (a: DonorCandidate, b: DonorCandidate) => number;

export const betterDonorFirst: DonorOrder = (a, b) => {
  if (a.score !== b.score) return b.score - a.score;
  if (a.createdAt !== b.createdAt) return b.createdAt - a.createdAt;
  return a.modelId < b.modelId ? -1 : a.modelId > b.modelId ? 1 : 0;
};
