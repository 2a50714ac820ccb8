/**
 * "Benchmark name or file → problems", written once: `run`, `generate`, `label`, `rank`, `eval`,
 * `scale-eval` and `problems` all resolve `--benchmark` / `--problems` here.
 */
import { existsSync } from "node:fs";
import { requireUniqueTasks } from "../cross-checks.js";
import { CodermError } from "../errors.js";
import { readJsonl } from "../io/jsonl.js";
import { type Problem, ProblemSchema } from "../records.js";
import { benchmarkNames, findBenchmark } from "./registry.js";
import type { BenchmarkDef, BenchmarkLoadOptions, LabelSpec, LoadedProblems } from "./types.js";

export interface ResolvedProblems extends LoadedProblems {
  /** The registered benchmark the problems belong to (by name, or named by every problem of a file). */
  benchmark?: BenchmarkDef;
}

/** True when `arg` names a registered benchmark rather than a file (a file of that name wins). */
export function isBenchmarkName(arg: string): boolean {
  return findBenchmark(arg) !== undefined && !existsSync(arg);
}

/** Throw the one-line error for an argument that is neither a benchmark name nor a file. */
export function checkProblemsArg(arg: string, where = "--benchmark"): void {
  if (isBenchmarkName(arg) || existsSync(arg)) return;
  throw new CodermError(
    "E_BAD_INPUT",
    `not a benchmark (${benchmarkNames().join(", ")}) nor an existing Problem JSONL file`,
    where === "--benchmark" ? arg : `${where} ${arg}`,
  );
}

/** Problems for a registered benchmark's name, or from a Problem JSONL file. */
export async function resolveProblems(
  arg: string,
  options: BenchmarkLoadOptions = {},
  where = "--benchmark",
): Promise<ResolvedProblems> {
  if (isBenchmarkName(arg)) {
    const benchmark = findBenchmark(arg)!;
    return { ...(await benchmark.load(options)), benchmark };
  }
  checkProblemsArg(arg, where);
  const r = await readJsonl(arg, ProblemSchema, options);
  requireUniqueTasks(r.records, arg);
  const names = new Set(r.records.map((p) => p.benchmark));
  const only = names.size === 1 ? [...names][0] : undefined;
  return { problems: r.records, bad: r.bad, file: arg, ...(only ? { benchmark: findBenchmark(only) } : {}) };
}

/** What each label kind needs a problem to carry. */
const NEEDS: Record<LabelSpec["kind"], (p: Problem) => boolean> = {
  evalplus: (p) => p.canonical_solution !== undefined && p.base_input_json !== undefined,
  check: (p) => p.entry_point !== "" && (p.test?.includes("def check(") ?? false),
  livecodebench: (p) => p.livecodebench !== undefined,
};

/**
 * The ground truth these problems support: their benchmark's, when every problem carries what it needs
 * (LiveCodeBench rebuilt from prompts has no tests), else HumanEval-style `check` tests or LiveCodeBench
 * cases found on every problem of a file; undefined when there is none.
 */
export function groundTruthOf(problems: readonly Problem[], benchmark?: BenchmarkDef): LabelSpec | undefined {
  if (problems.length === 0) return undefined;
  const fits = (spec: LabelSpec) => problems.every(NEEDS[spec.kind]);
  if (benchmark?.labels) return fits(benchmark.labels) ? benchmark.labels : undefined;
  for (const spec of [{ kind: "check" }, { kind: "livecodebench" }] as const) if (fits(spec)) return spec;
  return undefined;
}
