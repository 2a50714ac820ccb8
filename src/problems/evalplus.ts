/**
 * HumanEval+ (v0.1.10), MBPP+ (v0.2.0) and HumanEval in their released JSONL form. EvalPlus wrote its files
 * with Python's `json.dumps`, so lines are parsed in Python's JSON dialect and each input list is also kept
 * as its exact source text (see `python-json.ts`).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { CodermError } from "../errors.js";
import { type Loaded, type ReadOptions, readJsonlWith, writeLines } from "../io/jsonl.js";
import { parsePythonJsonLine, stringifyPythonJson } from "../io/python-json.js";
import type { Problem } from "../records.js";

export const EVALPLUS_BENCHMARKS = ["humaneval+", "mbpp+", "humaneval"] as const;
export type EvalPlusBenchmark = (typeof EVALPLUS_BENCHMARKS)[number];

/** Released file names, relative to a data directory laid out like `vendor/` and `../shared/data`. */
export const BENCHMARK_FILES: Record<EvalPlusBenchmark, string> = {
  "humaneval+": "evalplus/HumanEvalPlus-v0.1.10.jsonl.gz",
  "mbpp+": "evalplus/MbppPlus-v0.2.0.jsonl.gz",
  humaneval: "humaneval/HumanEval.jsonl.gz",
};

/** The data bundled with the package (works from `src/` under tsx and from `dist/`). */
export const VENDOR_DIR = fileURLToPath(new URL("../../vendor/", import.meta.url));

// MBPP+ v0.2.0 ships `"plus_input": {}` for Mbpp/793; EvalPlus iterates it as no inputs, and so do we.
const inputs = z.union([z.array(z.array(z.unknown())), z.strictObject({}).transform((): unknown[][] => [])]);
const HumanEvalLine = z.looseObject({
  task_id: z.string().min(1),
  prompt: z.string(),
  entry_point: z.string(),
  canonical_solution: z.string(),
  test: z.string(),
});
const HumanEvalPlusLine = HumanEvalLine.extend({
  contract: z.string(),
  base_input: inputs,
  plus_input: inputs,
  atol: z.number(),
});
const MbppPlusLine = HumanEvalPlusLine.omit({ test: true }).extend({ assertion: z.string() });

const INPUT_KEYS = ["base_input", "plus_input"] as const;
const SCHEMAS = { "humaneval+": HumanEvalPlusLine, "mbpp+": MbppPlusLine, humaneval: HumanEvalLine };

export interface LoadBenchmarkOptions extends ReadOptions {
  /** Directory holding `evalplus/` and `humaneval/` (default: the vendored copy). */
  dataDir?: string;
  /** Read this file instead of the standard one under `dataDir`. */
  file?: string;
}

/** Load a benchmark's problems: `loadBenchmark("humaneval+")` reads the vendored HumanEval+ release. */
export async function loadBenchmark(
  benchmark: EvalPlusBenchmark,
  options: LoadBenchmarkOptions = {},
): Promise<Loaded<Problem>> {
  if (!EVALPLUS_BENCHMARKS.includes(benchmark)) {
    throw new CodermError(
      "E_BAD_INPUT",
      `unknown benchmark "${benchmark}" (expected ${EVALPLUS_BENCHMARKS.join(", ")})`,
      "benchmark",
    );
  }
  const file = options.file ?? join(options.dataDir ?? VENDOR_DIR, BENCHMARK_FILES[benchmark]);
  if (!existsSync(file)) throw new CodermError("E_BAD_INPUT", `${benchmark} data not found`, file);
  return readEvalPlusProblems(file, benchmark, options);
}

/** Read a file in one of the EvalPlus/HumanEval release formats. */
export async function readEvalPlusProblems(
  file: string,
  benchmark: EvalPlusBenchmark,
  options: ReadOptions = {},
): Promise<Loaded<Problem>> {
  let spans = new Map<string, string>();
  const parse = (text: string): unknown => {
    const r = parsePythonJsonLine(text, INPUT_KEYS);
    spans = r.spans;
    return r.value;
  };
  const { records, bad } = await readJsonlWith(
    file,
    SCHEMAS[benchmark],
    parse,
    (rec): Problem => {
      const p: Problem = { ...(rec as Problem), benchmark };
      if (benchmark === "mbpp+") p.test = (rec as { assertion: string }).assertion;
      const base = spans.get("base_input");
      const plus = spans.get("plus_input");
      if (base !== undefined) p.base_input_json = base;
      if (plus !== undefined) p.plus_input_json = plus;
      return p;
    },
    options,
  );
  return { records, bad };
}

/** Release keys in their file order; anything else a problem carries is dropped on write. */
const KEYS: Record<EvalPlusBenchmark, string[]> = {
  "humaneval+": [
    "task_id",
    "prompt",
    "entry_point",
    "canonical_solution",
    "test",
    "contract",
    "base_input",
    "atol",
    "plus_input",
  ],
  "mbpp+": [
    "task_id",
    "prompt",
    "entry_point",
    "canonical_solution",
    "base_input",
    "atol",
    "plus_input",
    "contract",
    "assertion",
  ],
  humaneval: ["task_id", "prompt", "entry_point", "canonical_solution", "test"],
};

/**
 * Render one problem as a release line, the way `json.dumps` wrote it. Inputs come from the raw text kept
 * at read time when present, so a read-then-write round trip reproduces the released values exactly.
 */
export function formatEvalPlusProblem(p: Problem, benchmark: EvalPlusBenchmark): string {
  const parts: string[] = [];
  for (const key of KEYS[benchmark]) {
    let text: string;
    if (key === "base_input" && p.base_input_json !== undefined) text = p.base_input_json;
    else if (key === "plus_input" && p.plus_input_json !== undefined) text = p.plus_input_json;
    else {
      const v = key === "assertion" ? (p.assertion ?? p.test) : (p as Record<string, unknown>)[key];
      if (v === undefined) {
        throw new CodermError("E_BAD_INPUT", `${benchmark} problem lacks "${key}"`, p.task_id);
      }
      text = stringifyPythonJson(v);
    }
    parts.push(`${JSON.stringify(key)}: ${text}`);
  }
  return `{${parts.join(", ")}}`;
}

/** Write problems in a release format (gzip when the name ends in `.gz`). */
export async function writeEvalPlusProblems(
  file: string,
  problems: Iterable<Problem>,
  benchmark: EvalPlusBenchmark,
): Promise<void> {
  const lines: string[] = [];
  for (const p of problems) lines.push(formatEvalPlusProblem(p, benchmark));
  await writeLines(file, lines);
}
