export {
  type BestOfNOptions,
  type BestOfNProtocol,
  type BestOfNResult,
  bestOfN,
} from "./best-of-n.js";
export { codetPassAtK, groupsPassAtK } from "./codet-pass-at-k.js";
export { credit } from "./credit.js";
export { codetEstimatePassAtK, type LabelSets, meanPassAtK, passAtK, vanilla } from "./pass-at-k.js";
export {
  type ConfusionCounts,
  type QualityMetrics,
  type QualityReport,
  qualityMetrics,
  type TestQuality,
  type TestQualityOptions,
  testQuality,
} from "./test-quality.js";
