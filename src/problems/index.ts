export type { Loaded } from "../io/jsonl.js";
export { writeJsonl as writeRecords, writeLines } from "../io/jsonl.js";
export {
  PythonJsonError,
  parsePythonJson,
  parsePythonJsonLine,
  pythonFloatRepr,
  pythonString,
  stringifyPythonJson,
} from "../io/python-json.js";
export {
  type ChatMessage,
  type CodermPrompt,
  CodermPromptSchema,
  type CodermReadOptions,
  type CodermSolutions,
  type ResponseKind,
  readCodermPrompts,
  readCodermResponses,
  readCodermSolutions,
  readCodermUnitTests,
  unwrapCodermUnitTest,
  wrapCodermUnitTest,
  writeCodermPrompts,
  writeCodermSolutions,
  writeCodermUnitTests,
} from "./coderm.js";
export {
  CODET_FILES,
  type CodetJoined,
  type CodetSamples,
  CodetSamplesSchema,
  type CodetSolutionOptions,
  type CodetTestOptions,
  readCodetDir,
  readCodetSolutions,
  readCodetTasks,
  readCodetTests,
  writeCodetSamples,
} from "./codet.js";
export {
  BENCHMARK_FILES,
  EVALPLUS_BENCHMARKS,
  type EvalPlusBenchmark,
  formatEvalPlusProblem,
  type LoadBenchmarkOptions,
  loadBenchmark,
  readEvalPlusProblems,
  VENDOR_DIR,
  writeEvalPlusProblems,
} from "./evalplus.js";
export {
  type EvalPlusSamplesOptions,
  readEvalPlusSamples,
  writeEvalPlusSamples,
} from "./evalplus-samples.js";
export {
  type DateWindow,
  dateMillis,
  decodePrivateTests,
  encodePrivateTests,
  filterByDate,
  isFunctional,
  type LoadLiveCodeBenchOptions,
  liveCodeBenchFiles,
  loadLiveCodeBench,
  readLiveCodeBench,
  writeLiveCodeBench,
} from "./livecodebench.js";
export { PickleError, unpickleString } from "./pickle.js";
export {
  type CaseExtractor,
  type Extracted,
  type ExtractedCases,
  type Extractor,
  groupByTask,
} from "./samples.js";
