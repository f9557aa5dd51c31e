// nas/index.ts: the search layer's public surface, by folder: run/ the run directory (a leaf:
// no tfjs, no vega), space/ search spaces and what they build, search/ the strategy, the
// driver and the search job, evaluation/ a candidate's training on an actor, retrain/ the
// phases that train a finished search's candidates again.

export * from './errors.js';
export * from './run/index.js';

export { variablesOf, skipDistances, checkVector } from './space/search-space.js';
export type { SearchSpace, VariableNode, ChoiceOp, SkipRule, MergeKind, Variable } from './space/search-space.js';
export { shapeAfter } from './space/shapes.js';
export { parseSearchSpace, readSearchSpaceFile, checkSpaceFits } from './space/parse-space.js';
export { builtinSpaces, resolveSearchSpace } from './space/builtin-spaces.js';
export { toArchitecture, type DataShape } from './space/to-architecture.js';
export { networkKey, vectorKey, type NetworkKey } from './space/network-key.js';

export { Random } from './search/random.js';
export { scoreOf, type SearchStrategy, type Proposal, type CandidateOutcome } from './search/strategy.js';
export { AgingEvolution, type EvolutionOptions } from './search/aging-evolution.js';
export { RandomSearch } from './search/random-search.js';
export { preferUntriedActors, type SchedulingPolicy, type PendingTask, type ActorView } from './search/scheduling-policy.js';
export { runSearchDriver, type SearchDriverOptions, type SearchSummary, type Progress } from './search/search-driver.js';
export { RetentionPolicy } from './search/retention.js';
export { dominates, nondominatedRanks, crowdingDistances, paretoOrder, paretoBetter, paretoFront } from './search/pareto.js';
export { kObjectiveNames, kObjectiveSense, parseObjectives, orientedObjectives, type ObjectiveName, type ObjectiveValues } from './search/objectives.js';
export { SuccessiveHalving, checkRungPlan, type RungPlan, type Promotion } from './search/successive-halving.js';
export { runSearch, makeStrategy, type SearchRunOptions, type SearchRunResult } from './search/search-run.js';

export type { EvaluationTask, EvaluationResult, EvaluationActor } from './evaluation/evaluation-task.js';
export { loadSearchData, checkDataSpec, type DataRequest } from './evaluation/load-data.js';
export { planTransfer, type CandidateLayer, type TransferPlan } from './evaluation/donor-rules.js';
export { TrainingActor, type TrainingActorArgs } from './evaluation/training-actor.js';
export { evaluateCandidate, candidateTraining, type CandidateContext, type CandidateSettings } from './evaluation/evaluate-candidate.js';
export { reseedStore } from './evaluation/reseed-store.js';

export { runTopK, bestDistinct, type TopKResult, type TopKPairResult } from './retrain/topk.js';
export { runPairs, pairCandidates, type PairsResult } from './retrain/pairs.js';
export { RetrainActor, type RetrainActorArgs, type TopKJob, type TopKTraining, type TwinJob } from './retrain/retrain-actor.js';
