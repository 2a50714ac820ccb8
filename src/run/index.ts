/** The whole loop: `run()` (resumable, one directory per run) and `rank()` (choose from samples + results). */
export { type CodetData, type CodetDataOptions, loadCodetData, splitCases } from "./codet-data.js";
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
export { readSolutionsFile, readTestsFile, type SampleFileFormat, type SampleFileOptions } from "./inputs.js";
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
} from "./pairs.js";
export { type ProgressMode, RunProgress } from "./progress.js";
export { type RankInput, type RankOptions, type RankOutput, rank, type Selected } from "./rank.js";
export { RUN_FILES, type RunHooks, type RunOutput, run } from "./run.js";
export { formatTable } from "./table.js";
