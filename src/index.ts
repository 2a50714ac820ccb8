/**
 * The public API of coderm: the names a user needs to run the loop, or one stage of it, from TypeScript.
 * Every name is written out (no star re-exports) so this file is the whole contract; anything else in `src/` is
 * internal and may change. `test/api.test.ts` imports every name listed here.
 *
 * @example
 * ```ts
 * import { parseRunConfig, run } from "coderm";
 * const out = await run(parseRunConfig({}, { benchmark: "humaneval", codet: "vendor/codet", out: "runs/x" }));
 * console.log(out.summary);
 * ```
 */

// ── Benchmarks: one descriptor per benchmark in one registry; every --benchmark choice comes from it.
export {
  type BenchmarkDef,
  type BenchmarkLoadOptions,
  benchmarkNames,
  getBenchmark,
  type LabelSpec,
  type LoadedProblems,
  registerBenchmark,
  resolveProblems,
} from "./benchmarks/index.js";
// ── Errors: one class with a machine-readable code; the CLI prints these as one line.
export { CodermError, type ErrorCode, isCodermError } from "./errors.js";
// ── Evaluation: best-of-N curves, pass@k, test quality, over a run's files.
export { type EvalSummary, type EvaluateOptions, evaluate, loadEvalInputs } from "./evaluate/index.js";
export { type LabelSamplesOptions, labelSamples } from "./evaluate/label-samples.js";
export { bestOfN, meanPassAtK, passAtK } from "./evaluate/metrics/index.js";
export { extractCode } from "./extract/code-blocks.js";
export { extractAssertCases } from "./extract/codet.js";
export { type CodetData, loadCodetData } from "./extract/codet-data.js";
// ── Extraction: code blocks, unittest classes and CodeT asserts out of model responses.
/**
 * Load the tree-sitter Python parser; call once before `extractCode`, `extractUnitTest` or
 * `samplesFromResponses`.
 */
export { initPython } from "./extract/python-parser.js";
export { samplesFromResponses } from "./extract/samples.js";
export { extractUnitTest } from "./extract/unit-test.js";
// ── Files: one JSONL reader and writer (gzip-aware); bad lines are reported as `file:line: reason`.
export { type BadLine, type ReadOptions, readJsonl, writeJsonl } from "./io/jsonl.js";
// ── Generation: OpenAI-compatible providers, retries, resumable sampling.
export { providerFor, resolveModelConfig } from "./llm/config.js";
export {
  type ModelConfig,
  OpenAIProvider,
  type Provider,
  ReplayProvider,
  type Role,
  type Sampling,
} from "./llm/index.js";
export { generate } from "./llm/runner.js";
export { readDoneResults } from "./matrix/pairs.js";
// ── Pass matrices: who passes what, and the files that hold them.
export { PassMatrix } from "./matrix/pass-matrix.js";
export { readPassMatrices, writePassMatrices } from "./matrix/results-io.js";
// ── Problems and interop formats.
export { loadBenchmark, readEvalPlusProblems } from "./problems/evalplus.js";
export { readEvalPlusSamples } from "./problems/evalplus-samples.js";
// ── Prompts: the paper's unit-test prompt and the per-benchmark solution prompts.
export { buildSolutionPrompt } from "./prompts/solution.js";
export { buildUnitTestPrompt } from "./prompts/unit-test.js";
// ── Scale-out: the same pairs on many machines through BullMQ on Redis.
export { QueueSet, ShardWorker } from "./queue/index.js";
export type {
  Label,
  PairResult,
  Problem,
  SolutionSample,
  TestFormat,
  UnitTestSample,
  Verdict,
} from "./records.js";
// ── Reports: Markdown, self-contained HTML, the terminal table.
export { renderHtml } from "./report/html.js";
export { renderMarkdown } from "./report/markdown.js";
export { formatTable } from "./report/table.js";
// ── The whole loop.
/**
 * Validate a run config (file values overlaid by flag values); a bad field is one `CodermError`
 * naming it.
 *
 * @example
 * ```ts
 * const config = parseRunConfig(await readConfigFile("coderm.config.json"), { limit: 3 });
 * ```
 */
export { parseRunConfig, type RunConfig, type RunConfigInput, readConfigFile } from "./run/config.js";
export { generateSamples } from "./run/generate.js";
export { Ledger } from "./run/ledger.js";
/**
 * Stages as data: `runStages` owns fingerprints, skip/resume, stale outputs and the ledger for a list
 * of `Stage` records (see docs/architecture.md "Adding a stage").
 */
export { type PipelineEvent, runStages, type Stage } from "./run/pipeline.js";
/**
 * Run the paper's loop in a resumable run directory: sample N solutions and M tests, execute every
 * pair, vote, and report. Rerunning the same config skips finished stages.
 *
 * @example
 * ```ts
 * const out = await run(config, { onEvent: (e) => console.error(e), signal: AbortSignal.timeout(60_000) });
 * console.log(out.files.reportHtml, out.summary);
 * ```
 */
export { type RunHooks, type RunOutput, run } from "./run/run.js";
/**
 * Execute untrusted (solution, test) pairs in isolated warm Python workers, one verdict per pair.
 *
 * @example
 * ```ts
 * const sb = await Sandbox.start({ workers: 2, timeout: 1 });
 * for await (const o of sb.run(pairs, { signal })) console.log(o.id, o.verdict);
 * await sb.close();
 * // or, for a one-off batch: const outcomes = await execute(pairs);
 * ```
 */
export {
  execute,
  type PairExecutor,
  type PairInput,
  type PairOutcome,
  type ProgramRequest,
  type ProgramResult,
  Sandbox,
  type SandboxOptions,
} from "./sandbox/index.js";
// ── Dynamic scaling: per-problem test budgets and online stopping.
export { OnlineAllocator, scaleEval } from "./scaling/index.js";
// ── Selection: strategies over a PassMatrix.
export { codermVote, codet, select } from "./select/index.js";
/**
 * Choose each task's best solution from solutions, tests and (given or computed) pair results.
 *
 * @example
 * ```ts
 * const { selected } = await rank({ solutions, tests }, { strategy: "coderm-vote" });
 * ```
 */
export { type RankInput, type RankOptions, type RankOutput, rank, type Selected } from "./select/rank.js";
export { type Ranking, STRATEGIES, type StrategyName } from "./select/types.js";
// ── Store: SQLite (WAL) for the response cache and run records.
export { openStore } from "./store/index.js";
// ── Training data for a unit-test model (`coderm synth`).
export { parseSynthConfig, type SynthConfig } from "./synth/config.js";
export { synth } from "./synth/pipeline.js";
export { VERSION } from "./version.js";
