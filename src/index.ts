/**
 * The public API of coderm. Everything a library user needs is re-exported here, stage by stage.
 */

export * from "./benchmarks/index.js";
export { CodermError, type ErrorCode, isCodermError } from "./errors.js";
// Evaluation summary (`coderm eval`) and reports: JSON, Markdown tables, self-contained HTML + SVG charts.
export {
  type BestOfNPoint,
  DEFAULT_STRATEGIES,
  EVAL_SUMMARY_SCHEMA,
  type EvalInputFiles,
  type EvalInputs,
  type EvalSummary,
  type EvaluateOptions,
  evaluate,
  type FeaturedMatrix,
  loadEvalInputs,
  type ProblemDetail,
  type QualityRates,
  type StrategyResult,
  type TestQualitySummary,
} from "./evaluate/index.js";
export { groundTruthKey, type LabelSamplesOptions, labelSamples } from "./evaluate/label-samples.js";
// Ground-truth labels (EvalPlus, HumanEval check, CodeT): jobs for the sandbox's `labels` kind.
export * from "./evaluate/labels/index.js";
// Selection (strategies over a PassMatrix) and metrics (pass@k, vanilla, best-of-n, test quality).
export * from "./evaluate/metrics/index.js";
export { type CodetData, type CodetDataOptions, loadCodetData, splitCases } from "./extract/codet-data.js";
// Extraction: code blocks, unittest classes, CodeT assert cases (call `await initPython()` first).
export * from "./extract/index.js";
export {
  embeddedSolutions,
  readSolutionsFile,
  readTestsFile,
  type SampleFileFormat,
  type SampleFileOptions,
} from "./extract/sample-files.js";
export {
  type BadLine,
  formatBadLine,
  type ReadOptions,
  type ReadResult,
  readJsonl,
  writeJsonl,
} from "./io/jsonl.js";
// Generation: providers (OpenAI-compatible server, replay), retries, concurrency, resumable sampling.
export {
  type BackoffOptions,
  backoffDelay,
  DEFAULT_BACKOFF,
  type FailureKind,
  fenced,
  formatSummary as formatGenerationSummary,
  type GenerateOptions,
  type GenerationEvent,
  type GenerationJob,
  type GenerationSummary,
  generate,
  generationKey,
  type JobResult,
  type LoadReplayOptions,
  loadReplay,
  type ModelConfigInput,
  ModelConfigSchema,
  OpenAIProvider,
  type OpenAIProviderOptions,
  PAPER_SAMPLING,
  type ProgressReporter,
  type Provider,
  type ProviderChoice,
  type ProviderRequest,
  type ProviderResponse,
  parseRetryAfter,
  progressBar,
  providerFor,
  type ReplayData,
  ReplayProvider,
  RequestFailure,
  type ResolvedModelConfig,
  ROLES,
  type Role,
  resolveModelConfig,
  type SampleResult,
  type Sampling,
  samplingOf,
} from "./llm/index.js";
export {
  type Cell,
  indexSamples,
  matricesFrom,
  outcomeToResult,
  pairId,
  parsePairId,
  planPairs,
  readDoneResults,
  runPairs,
  validTests,
} from "./matrix/pairs.js";
export { type PassMatrices, PassMatrix, testMask } from "./matrix/pass-matrix.js";
// Problems and interop formats (EvalPlus, HumanEval, CodeRM, CodeT, LiveCodeBench) and pass-matrix files.
export {
  hexToRow,
  type MatrixSize,
  type PassMatricesSummary,
  type PassMatrixLine,
  passMatrixToLine,
  type ReadPassMatricesOptions,
  type ReadPassMatricesResult,
  readPassMatrices,
  readPassMatrixFile,
  rowToHex,
  writePassMatrices,
} from "./matrix/results-io.js";
export * from "./problems/index.js";
// Prompts: the paper's unit-test prompt and per-benchmark solution prompts (byte-exact with CodeRM's files).
export {
  buildPrompts,
  buildSolutionPrompt,
  buildUnitTestPrompt,
  formatPromptRecord,
  functionFormStarter,
  humanEvalQuestion,
  liveCodeBenchProblemsFromPrompts,
  liveCodeBenchQuestion,
  mbppQuestion,
  type PromptRecord,
  PromptRecordSchema,
  parseLiveCodeBenchSolutionPrompt,
  parseUnitTestPrompt,
  pythonJsonDumps,
  solutionPromptText,
  unitTestPromptText,
  unitTestQuestion,
} from "./prompts/index.js";
// Scale-out: the same pairs on many machines through BullMQ on Redis (`coderm worker`, `--queue`).
export {
  checkRedis,
  QueueExecutor,
  type QueueExecutorOptions,
  type QueueRunStats,
  QueueSet,
  ShardWorker,
  type ShardWorkerOptions,
  type WorkerInfo,
} from "./queue/index.js";
export * from "./records.js";
// Reports: JSON, Markdown tables, self-contained HTML + SVG charts (render an EvalSummary).
export {
  type HeatmapOptions,
  heatmap,
  type LineChartOptions,
  type LineSeries,
  lineChart,
  parseSummary,
  renderHtml,
  renderJson,
  renderMarkdown,
} from "./report/index.js";
export { formatTable } from "./report/table.js";
// The whole loop: run() (resumable run directory), rank(), configs (RunConfigSchema), CodeT replay data.
export * from "./run/index.js";
// Sandbox: execute untrusted (solution, test) pairs in isolated warm Python workers; verdicts per pair.
export {
  type CallOutcome,
  execute,
  formatReport as formatIsolationReport,
  type IsolationLayer,
  type IsolationReport,
  type PairExecutor,
  type PairInput,
  type PairOutcome,
  type ProgramCaseResult,
  type ProgramCasesRequest,
  type ProgramRequest,
  type ProgramResult,
  type ProgramStatus,
  type PrunedResult,
  type PruneGrid,
  probeBwrap,
  runPruned,
  Sandbox,
  type SandboxOptions,
} from "./sandbox/index.js";
// Dynamic scaling: budget allocation (greedy/equal), difficulty predictors + calibration, online
// stopping (OnlineAllocator) and the scale-eval simulation (`coderm scale-eval`).
export * from "./scaling/index.js";
export * from "./select/index.js";
export { type RankInput, type RankOptions, type RankOutput, rank, type Selected } from "./select/rank.js";
// Store: SQLite (WAL) response cache and run records; stages add tables through their own migrations.
export {
  type CachedResponse,
  canonicalJson,
  LLM_MIGRATIONS,
  type Migration,
  type OpenStoreOptions,
  openStore,
  ResponseCache,
  registerMigrations,
  requestKey,
  type SqliteDb,
  Store,
} from "./store/index.js";
// Training data for a unit-test model: coderm synth (readers, mutants, scores, exports).
export { parseSynthConfig, type SynthConfig, SynthConfigSchema } from "./synth/config.js";
export { type ExportItem, synthPrompt, writeExports } from "./synth/export.js";
export { generateMutants, type Mutant, type MutantOptions, type MutantSet } from "./synth/mutants.js";
export { MUTATION_OPERATORS, type MutationOperator } from "./synth/mutation-operators.js";
export { SYNTH_FILES, type SynthOutput, synth } from "./synth/pipeline.js";
export {
  QUESTION_FORMATS,
  type QuestionFormat,
  readQuestions,
  type SynthQuestion,
} from "./synth/questions.js";
export type { SynthSummary } from "./synth/summary.js";
export { Rng } from "./util/rng.js";
export { VERSION } from "./version.js";
