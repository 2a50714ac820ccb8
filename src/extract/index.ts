/**
 * Extraction of solutions, unit tests and assert cases from model output. Parsing uses tree-sitter:
 * `await initPython()` once, then every function here is synchronous.
 */
export { type AssertsToUnittestOptions, assertsToUnittest } from "./asserts-to-unittest.js";
export { CODE_MODES, type CodeMode, type CodeOptions, extractCode, findCodeBlocks } from "./code-blocks.js";
export {
  type AssertCaseOptions,
  type AssertCases,
  CODET_CASE_LIMIT,
  CODET_STOP_WORDS,
  caseError,
  extractAssertCases,
  extractTaskCases,
  type RejectedPiece,
  type TaskCases,
  truncateSolution,
} from "./codet.js";
export {
  assertCaseExtractor,
  type SampleCaseExtractor,
  type SampleExtractor,
  solutionExtractor,
  unitTestExtractor,
} from "./hooks.js";
export { type CollectedImports, collectImports, type ImportFilter, SOLUTION_MODULES } from "./imports.js";
export { programKey } from "./program-key.js";
export { compileError } from "./python-checks.js";
export { initPython, isPythonReady } from "./python-parser.js";
export {
  markDuplicateTests,
  type SamplesFromResponses,
  samplesFromResponses,
  type TaskResponses,
} from "./samples.js";
export type { ExtractedText, Extraction, Rejection } from "./types.js";
export {
  type Deduplicated,
  dedupeTests,
  describeTestClass,
  type ExtractedUnitTest,
  extractUnitTest,
  type TestClassDescription,
  type TestClassInfo,
  UNIT_TEST_MODES,
  type UnitTestExtraction,
  type UnitTestMode,
  type UnitTestOptions,
  unitTestFromCode,
} from "./unit-test.js";
