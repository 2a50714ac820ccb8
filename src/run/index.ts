/** The whole loop: `run()` (resumable, one directory per run) on the stage loop any pipeline can reuse. */

export type { SuiteTests, SuiteTestsRequest } from "../records.js";
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
export { type GeneratedSamples, type GenerateSamplesOptions, generateSamples } from "./generate.js";
export { fingerprint, Ledger, type StageState } from "./ledger.js";
export { type DirLock, LOCK_FILE, lockFile, lockRunDir } from "./lock.js";
export {
  type PipelineEvent,
  type PipelineOptions,
  runStages,
  type Stage,
  type StageContext,
  type StageOutcome,
} from "./pipeline.js";
export { RUN_FILES, type RunHooks, type RunOutput, run } from "./run.js";
export type { RunState } from "./run-state.js";
export { RUN_STAGES } from "./stages.js";
export { type SuiteTestGeneratorOptions, suiteTestGenerator } from "./suite-tests.js";
