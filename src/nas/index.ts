// nas/index.ts: the search layer's public surface.

export * from './errors.js';
export type * from './evaluation-record.js';
export type * from './search-options.js';
export { Random } from './random.js';
export { variablesOf, skipDistances, checkVector } from './search-space.js';
export type { SearchSpace, VariableNode, ChoiceOp, SkipRule, MergeKind, Variable } from './search-space.js';
export { shapeAfter } from './shapes.js';
export { parseSearchSpace, readSearchSpaceFile, checkSpaceFits } from './parse-space.js';
export { builtinSpaces, resolveSearchSpace } from './builtin-spaces.js';
export { toArchitecture, type DataShape } from './to-architecture.js';
export { AgingEvolution, RandomSearch, type SearchStrategy, type Proposal, type EvolutionOptions } from './search-strategy.js';
export { Journal, readJournal, type JournalContents } from './journal.js';
export { ResultsCsv } from './results-csv.js';
export type { EvaluationTask, EvaluationResult, EvaluationWorker } from './evaluation-task.js';
export { runSearchDriver, type SearchDriverOptions, type SearchSummary, type Progress } from './search-driver.js';
export { runSearch, makeStrategy, type SearchRunOptions, type SearchRunResult } from './search-run.js';
export { runTopK, type TopKOptions, type TopKResult, type TopKPairResult } from './topk.js';
export { kJournalFile, kResultsFile, kConfigFile, checkpointDir } from './run-files.js';
export { loadSearchData, checkDataSpec, type DataRequest } from './load-data.js';
export { planTransfer, type CandidateLayer, type TransferPlan } from './donor-rules.js';
export { TrainingActor, type TrainingActorArgs } from './training-actor.js';
export { evaluateCandidate, candidateTraining, type CandidateContext, type CandidateSettings } from './evaluate-candidate.js';
export { reseedStore } from './reseed-store.js';
export { RetentionPolicy } from './retention.js';
export { RetrainActor, type RetrainActorArgs, type TopKJob, type TopKTraining, type TwinJob } from './retrain-actor.js';
export { runPairs, pairCandidates, type PairsOptions, type PairsResult } from './pairs.js';
export { bestDistinct } from './topk.js';
