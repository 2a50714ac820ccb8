/** Dynamic unit-test scaling: difficulty predictors, budget allocation, online stopping, scale-eval. */
export {
  type AllocateOptions,
  equalAllocate,
  expectedSolved,
  greedyAllocate,
  greedyAllocateGains,
  greedyAllocateHeap,
  marginalGain,
  solveProbability,
} from "./allocate.js";
export { averageRanks, type Calibration, calibration, type ReliabilityBin, spearman } from "./calibration.js";
export {
  type CrossFit,
  crossFitIsotonic,
  DIFFICULTY_FEATURES,
  type DifficultyFeature,
  difficultyFeature,
  fitIsotonic,
  goldDifficulty,
  type IsotonicModel,
  predictIsotonic,
} from "./difficulty.js";
export { IdHeap } from "./heap.js";
export {
  type CurveProblem,
  concaveMajorant,
  creditCurve,
  predictCurves,
} from "./learned.js";
export { OnlineAllocator } from "./online.js";
export {
  type OnlineOptions,
  type OnlineProblem,
  type OnlineRequest,
  type OnlineStatus,
  type OnlineView,
  observedPassRate,
  PRIORITIES,
  type Priority,
  STOP_RULES,
  type StopReason,
  type StopRule,
} from "./online-types.js";
export { onlineSavings, renderScaleJson, renderScaleMarkdown, renderScaleSvg } from "./render.js";
export {
  ALLOCATIONS,
  type Allocation,
  equalBudgetFor,
  prefixCredit,
  type ScaleEvalOptions,
  type ScaleEvalResult,
  type ScaleProblem,
  scaleEval,
} from "./simulate.js";
