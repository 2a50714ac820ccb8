/**
 * A benchmark as one unit: where its problems come from, how the paper prompts for it, and what its
 * ground truth is. Everything that lists benchmarks (CLI choices, `--benchmark` dispatch, labels, run)
 * reads the registry in `registry.ts`, so adding one is one file here plus one line there.
 */
import type { BadLine, ReadOptions } from "../io/jsonl.js";
import type { PromptStyle } from "../prompts/index.js";
import type { Problem } from "../records.js";

/**
 * Which ground-truth labeller fits the problems (the functions live in `src/evaluate/labels/`):
 * - `evalplus`: EvalPlus semantics on base and plus inputs (expected outputs from the canonical solution),
 *   with that dataset's special oracles;
 * - `check`: HumanEval's `check(candidate)` in the problem's `test`;
 * - `livecodebench`: LiveCodeBench's public then private test cases.
 */
export type LabelSpec =
  | { kind: "evalplus"; dataset: "humaneval+" | "mbpp+" }
  | { kind: "check" }
  | { kind: "livecodebench" };

export interface BenchmarkLoadOptions extends ReadOptions {
  /** Directory laid out like `vendor/` and `../shared/data` (EvalPlus, HumanEval releases). */
  dataDir?: string;
  /** Read this file instead of the standard one. */
  file?: string;
  /** LiveCodeBench: a downloaded `code_generation_lite` directory (default `$CODERM_LCB_DIR`). */
  lcbDir?: string;
  /** LiveCodeBench: release_vN, vN or release_latest. */
  release?: string;
  /** LiveCodeBench: contest date window (YYYY-MM-DD, inclusive). */
  since?: string;
  until?: string;
}

export interface LoadedProblems {
  problems: Problem[];
  bad: BadLine[];
  /** The file read, when there is one: ground truth is cached by its content. */
  file?: string;
}

export interface BenchmarkDef {
  /** What `--benchmark` takes. */
  name: string;
  /** What reports call it. */
  title: string;
  /** One line for `--help`. */
  summary: string;
  load(options: BenchmarkLoadOptions): Promise<LoadedProblems>;
  /** The paper's prompts for it. */
  prompts: PromptStyle;
  /**
   * task_id → the solution the paper's tester prompt embeds, where the paper's prompts are bundled (CodeRM's
   * `input_<name>_ut.jsonl`: one model-written solution per task). Tester prompts default to these, so they
   * equal the paper's byte for byte; see `testerEmbeds`.
   */
  paperTesterSolutions?: () => Promise<ReadonlyMap<string, string>>;
  /** Its ground truth, when its problems carry one (see `groundTruthOf`). */
  labels?: LabelSpec;
  /** Which load options besides `dataDir`/`file` it reads (others are refused, not silently ignored). */
  options?: readonly ("lcbDir" | "release" | "since" | "until")[];
}
