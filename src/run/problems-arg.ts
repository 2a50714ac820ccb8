import { existsSync } from "node:fs";
import { type ReadOptions, readJsonl } from "../io/jsonl.js";
import { EVALPLUS_BENCHMARKS, type EvalPlusBenchmark, loadBenchmark } from "../problems/index.js";
import { type Problem, ProblemSchema } from "../records.js";

/** `--problems` takes a benchmark name (humaneval+, mbpp+, humaneval) or a Problem JSONL file. */
export async function loadProblemsArg(
  arg: string,
  options: ReadOptions = {},
): Promise<{ problems: Problem[]; bad: number }> {
  if ((EVALPLUS_BENCHMARKS as readonly string[]).includes(arg) && !existsSync(arg)) {
    const r = await loadBenchmark(arg as EvalPlusBenchmark, options);
    return { problems: r.records, bad: r.bad.length };
  }
  const r = await readJsonl(arg, ProblemSchema, options);
  return { problems: r.records, bad: r.bad.length };
}
