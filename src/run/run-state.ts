/** What `run()`'s stages share: the run directory's file names and the state each stage reads and extends. */

import type { BenchmarkDef } from "../benchmarks/index.js";
import type { EvalSummary } from "../evaluate/summary-types.js";
import { type CodetData, loadCodetData } from "../extract/codet-data.js";
import type { TaskSamples } from "../matrix/pairs.js";
import type { PassMatrices } from "../matrix/pass-matrix.js";
import type { Label, PairResult, Problem, SolutionSample, UnitTestSample } from "../records.js";
import type { PairExecutor, Sandbox } from "../sandbox/index.js";
import type { Selected } from "../select/rank.js";
import type { Store } from "../store/index.js";
import type { RunConfig } from "./config.js";
import type { StageContext } from "./pipeline.js";

export const RUN_FILES = {
  config: "config.json",
  problems: "problems.jsonl",
  solutions: "solutions.jsonl",
  tests: "tests.jsonl",
  results: "results.jsonl",
  matrix: "matrix.jsonl",
  selected: "selected.jsonl",
  labels: "labels.jsonl",
  summary: "summary.json",
  reportMd: "report.md",
  reportHtml: "report.html",
  store: "store.sqlite",
} as const;

/** One sandbox per run, started when a stage first needs it, shared by execute and label. */
export interface SharedSandbox {
  get(ctx: StageContext): Promise<Sandbox>;
  /** What executes pairs: the same sandbox, or the run's `pairExecutor` (e.g. workers behind a queue). */
  pairs(ctx: StageContext): Promise<PairExecutor>;
  /** Where the sandbox's (done, total) counts go now. */
  onProgress: ((done: number, total: number) => void) | undefined;
}

export interface RunState {
  config: RunConfig;
  store: Store;
  sandbox: SharedSandbox;
  /** The resolved benchmark (undefined for a plain Problem file without a known benchmark). */
  benchmark?: BenchmarkDef;
  /** The file problems were read from (keys the expected-output cache). */
  problemsFile?: string;
  codet?: CodetData;
  problems: Problem[];
  solutions: SolutionSample[];
  tests: UnitTestSample[];
  samples: TaskSamples;
  results: PairResult[];
  /** Test ids each problem may use: every valid one, or its share of the budget. */
  allowed: Map<string, number[]>;
  matrices: PassMatrices;
  selected: Selected[];
  labels: Label[];
  notes: string[];
  summary?: EvalSummary;
}

export const tasksOf = (s: RunState) => s.problems.map((p) => p.task_id);

export async function codetData(s: RunState): Promise<CodetData> {
  s.codet ??= await loadCodetData(s.config.codet as string, { testSamples: s.config.m });
  return s.codet;
}
