/** HumanEval+, MBPP+ (EvalPlus releases) and HumanEval, bundled in `vendor/`. */
import { join } from "node:path";
import { BENCHMARK_FILES, type EvalPlusBenchmark, loadBenchmark, VENDOR_DIR } from "../problems/index.js";
import { promptStyle } from "../prompts/index.js";
import { paperTesterSolutions } from "./_paper-embeds.js";
import type { BenchmarkDef, BenchmarkLoadOptions, LabelSpec } from "./types.js";

function evalplusRelease(
  name: EvalPlusBenchmark,
  title: string,
  summary: string,
  labels: LabelSpec,
  paperPrompts: boolean,
): BenchmarkDef {
  return {
    name,
    title,
    summary,
    prompts: promptStyle(name),
    ...(paperPrompts ? { paperTesterSolutions: paperTesterSolutions(name) } : {}),
    labels,
    async load(o: BenchmarkLoadOptions) {
      const file = o.file ?? join(o.dataDir ?? VENDOR_DIR, BENCHMARK_FILES[name]);
      const r = await loadBenchmark(name, { ...o, file });
      return { problems: r.records, bad: r.bad, file };
    },
  };
}

export const humanevalPlus = evalplusRelease(
  "humaneval+",
  "HumanEval+",
  "HumanEval+ v0.1.10 (164 problems, EvalPlus labels)",
  { kind: "evalplus", dataset: "humaneval+" },
  true,
);

export const mbppPlus = evalplusRelease(
  "mbpp+",
  "MBPP+",
  "MBPP+ v0.2.0 (378 problems, EvalPlus labels)",
  {
    kind: "evalplus",
    dataset: "mbpp+",
  },
  true,
);

export const humaneval = evalplusRelease(
  "humaneval",
  "HumanEval",
  "HumanEval (164 problems, check(candidate) labels)",
  { kind: "check" },
  false,
);
