export {
  type CaseRun,
  type CodetTask,
  type ConsensusSet,
  codetRank,
  codetTaskPassAtK,
  estimatePassAtK,
  runCodetCases,
} from "./codet.js";
export {
  DEFAULT_GT_TIME_LIMIT_FACTOR,
  DEFAULT_MIN_TIME_LIMIT,
  type EvalPlusLabelOptions,
  type EvalPlusOutcome,
  type LabelRequest,
  labelEvalPlus,
  type SetResult,
  toLabel,
} from "./evalplus.js";
export type { JobOutcome, LabelExecutor, LabelJob } from "./executor.js";
export {
  datasetHash,
  defaultCacheDir,
  EVALPLUS_KIND,
  evalplusDataset,
  type GroundTruth,
  type GroundTruthOptions,
  loadGroundTruth,
} from "./ground-truth.js";
export {
  type CheckOutcome,
  type CheckRun,
  checkPrograms,
  type HumanEvalLabelOptions,
  labelHumanEval,
} from "./humaneval.js";
export { type LiveCodeBenchLabelOptions, labelLiveCodeBench, liveCodeBenchTests } from "./livecodebench.js";
export { type ProgramRun, type RunProgramsOptions, runPrograms } from "./programs.js";
