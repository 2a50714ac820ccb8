/**
 * Read solution and unit-test files in any format coderm speaks, detected from the first record:
 * coderm's own JSONL (`{task_id, index, solution}` / `{task_id, index, test}`), CodeRM result files
 * (`{task_id, solutions}` / `{task_id, unit_tests}`) and EvalPlus samples (`{task_id, solution|completion}`).
 */
import { CodermError } from "../errors.js";
import { type BadLine, type ReadOptions, readJsonl, readLines } from "../io/jsonl.js";
import { readCodermSolutions, readCodermUnitTests, readEvalPlusSamples } from "../problems/index.js";
import type { Extracted } from "../problems/samples.js";
import {
  type Problem,
  type SolutionSample,
  SolutionSampleSchema,
  type UnitTestSample,
  UnitTestSampleSchema,
} from "../records.js";
import { extractCode } from "./code-blocks.js";
import { initPython } from "./python-parser.js";
import { extractUnitTest } from "./unit-test.js";

export type SampleFileFormat = "coderm-jsonl" | "coderm-results" | "evalplus-samples";

export interface SampleFileOptions extends ReadOptions {
  /** Problems, needed for EvalPlus `completion` lines. */
  problems?: Iterable<Problem>;
  /** Treat CodeRM result entries as raw model responses and extract code from them. */
  raw?: boolean;
}

export interface Samples<T> {
  records: T[];
  bad: BadLine[];
  format: SampleFileFormat;
}

/** Keys of the first JSON object in the file, or undefined when no line parses. */
async function firstKeys(file: string): Promise<Set<string> | undefined> {
  for await (const { text } of readLines(file)) {
    if (text.trim() === "") continue;
    try {
      const v = JSON.parse(text) as unknown;
      if (v && typeof v === "object" && !Array.isArray(v)) return new Set(Object.keys(v));
    } catch {
      // A broken first line is reported by the real reader; keep looking for the format.
    }
  }
  return undefined;
}

function asExtracted(x: { ok: true; text: string } | { ok: false; reason: string }): Extracted {
  return x.ok ? { text: x.text } : { text: null, rejected: x.reason };
}

export async function readSolutionsFile(
  file: string,
  options: SampleFileOptions = {},
): Promise<Samples<SolutionSample>> {
  const keys = await firstKeys(file);
  if (!keys) throw new CodermError("E_BAD_INPUT", "no JSON record found (empty file?)", file);
  if (keys.has("solutions")) {
    if (options.raw) await initPython();
    const r = await readCodermSolutions(file, {
      ...options,
      ...(options.raw ? { extract: (raw: string) => asExtracted(extractCode(raw)) } : {}),
    });
    return { records: r.records, bad: r.bad, format: "coderm-results" };
  }
  if (keys.has("index")) {
    const r = await readJsonl(file, SolutionSampleSchema, options);
    return { records: r.records, bad: r.bad, format: "coderm-jsonl" };
  }
  if (keys.has("solution") || keys.has("completion")) {
    const r = await readEvalPlusSamples(file, options);
    return { records: r.records, bad: r.bad, format: "evalplus-samples" };
  }
  throw new CodermError(
    "E_BAD_INPUT",
    `unknown solutions format (first record has ${[...keys].join(", ")}); expected {task_id, index, solution}, {task_id, solutions} or {task_id, solution|completion}`,
    file,
  );
}

export async function readTestsFile(
  file: string,
  options: SampleFileOptions = {},
): Promise<Samples<UnitTestSample>> {
  const keys = await firstKeys(file);
  if (!keys) throw new CodermError("E_BAD_INPUT", "no JSON record found (empty file?)", file);
  if (keys.has("unit_tests")) {
    if (options.raw) await initPython();
    const r = await readCodermUnitTests(file, {
      ...options,
      ...(options.raw
        ? {
            extract: (raw: string) => {
              const x = extractUnitTest(raw);
              return x.ok ? { text: x.text } : { text: null, rejected: x.reason };
            },
          }
        : {}),
    });
    return { records: r.records, bad: r.bad, format: "coderm-results" };
  }
  if (keys.has("index")) {
    const r = await readJsonl(file, UnitTestSampleSchema, options);
    return { records: r.records, bad: r.bad, format: "coderm-jsonl" };
  }
  throw new CodermError(
    "E_BAD_INPUT",
    `unknown unit-test format (first record has ${[...keys].join(", ")}); expected {task_id, index, test} or {task_id, unit_tests}`,
    file,
  );
}

/**
 * The solution each tester prompt embeds: the first usable (non-empty) solution of each task, as the
 * paper embeds one model-written solution per problem. Tasks without one fall back to the canonical
 * solution in `buildPrompts`.
 */
export function embeddedSolutions(solutions: Iterable<SolutionSample>): Map<string, string> {
  const out = new Map<string, string>();
  for (const s of solutions) {
    if (s.solution !== null && s.solution.trim() !== "" && !out.has(s.task_id))
      out.set(s.task_id, s.solution);
  }
  return out;
}
