/** The whole loop: `run()` (resumable, one directory per run) and `rank()` (choose from samples + results). */

export { type ProgressMode, RunProgress } from "../cli/progress.js";
export { type CodetData, type CodetDataOptions, loadCodetData, splitCases } from "../extract/codet-data.js";
export {
  readSolutionsFile,
  readTestsFile,
  type SampleFileFormat,
  type SampleFileOptions,
} from "../extract/sample-files.js";
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
} from "../matrix/pairs.js";
export { formatTable } from "../report/table.js";
export { type RankInput, type RankOptions, type RankOutput, rank, type Selected } from "../select/rank.js";
export {
  CONFIG_FILES,
  findConfigFile,
  type ModelConfig,
  parseRunConfig,
  type RunConfig,
  type RunConfigInput,
  RunConfigSchema,
  readConfigFile,
  runConfigJsonSchema,
} from "./config.js";
export { RUN_FILES, type RunHooks, type RunOutput, run } from "./run.js";
