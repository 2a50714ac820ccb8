import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { CodermError } from "../errors.js";
import { readJsonl } from "../io/jsonl.js";
import { EVALPLUS_BENCHMARKS, type EvalPlusBenchmark, loadBenchmark } from "../problems/index.js";
import { liveCodeBenchProblemsFromPrompts, PromptRecordSchema } from "../prompts/index.js";
import { type Problem, ProblemSchema } from "../records.js";

/** Problems for `--benchmark`: a bundled benchmark's name or a Problem JSONL file. */
export async function loadRunProblems(benchmark: string): Promise<Problem[]> {
  if ((EVALPLUS_BENCHMARKS as readonly string[]).includes(benchmark) && !existsSync(benchmark)) {
    return (await loadBenchmark(benchmark as EvalPlusBenchmark, { strict: true })).records;
  }
  if (benchmark === "livecodebench" && !existsSync(benchmark)) {
    // Only the paper's prompts are bundled: problems without test cases (pass a LiveCodeBench file for labels).
    const file = fileURLToPath(new URL("../../vendor/coderm/input_livecodebench_sol.jsonl", import.meta.url));
    return liveCodeBenchProblemsFromPrompts(
      (await readJsonl(file, PromptRecordSchema, { strict: true })).records,
    );
  }
  if (!existsSync(benchmark)) {
    throw new CodermError(
      "E_BAD_INPUT",
      `not a benchmark (${[...EVALPLUS_BENCHMARKS, "livecodebench"].join(", ")}) nor an existing Problem JSONL file`,
      benchmark,
    );
  }
  return (await readJsonl(benchmark, ProblemSchema, { strict: true })).records;
}
