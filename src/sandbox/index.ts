export {
  buildReport,
  bwrapArgs,
  DEFAULT_PYTHON,
  formatReport,
  harnessSource,
  prepareHarness,
  probeBwrap,
  SANDBOX_UID,
} from "./isolation.js";
export { type CallOutcome, execute, Sandbox } from "./pool.js";
export { type PrunedResult, type PruneGrid, runPruned } from "./prune.js";
export type {
  IsolationLayer,
  IsolationReport,
  PairExecutor,
  PairInput,
  PairOutcome,
  ProgramCaseResult,
  ProgramCasesRequest,
  ProgramRequest,
  ProgramResult,
  ProgramStatus,
  RunOptions,
  SandboxOptions,
} from "./types.js";
