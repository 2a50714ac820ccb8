/**
 * Evaluation: metrics (pass@k, vanilla, best-of-n, unit-test quality) and the `evaluate` summary that
 * `coderm eval` renders. Ground-truth labels live in `./labels/` (their own index).
 */
export {
  type EvalInputFiles,
  type EvalInputs,
  loadEvalInputs,
} from "./eval-inputs.js";
export * from "./metrics/index.js";
export { DEFAULT_STRATEGIES, doublings, type EvaluateOptions, evaluate } from "./summary.js";
export {
  type BestOfNPoint,
  EVAL_SUMMARY_SCHEMA,
  type EvalSummary,
  type FeaturedMatrix,
  type PassAtK,
  type ProblemDetail,
  type Protocol,
  type QualityRates,
  type StrategyResult,
  type TestQualitySummary,
} from "./summary-types.js";
