/**
 * RUCKBReasoning/CodeRM's files. Prompts: `data/benchmark/input_<bench>_{sol,ut}.jsonl`, one chat message
 * list per task. Results (`data/result/...`), produced by its `preprocess/extract_*.py`, hold *extracted*
 * code, not raw responses: `{task_id, solutions}` where an entry is the code string (`sol_*_func.jsonl`) or
 * an object with the code in `solution` and its label in `plus_status`/`result` (`sol_*_anno.jsonl`), and
 * `{task_id, unit_tests}` where each entry is the test class followed by the reference's runner trailer.
 * The raw outputs before extraction (`merge_result.jsonl`: `{messages, prompt, responses}`) are read too.
 */

import { z } from "zod";
import { requireSomeRecords } from "../cross-checks.js";
import {
  type Loaded,
  type ReadOptions,
  Rejected,
  readJsonlWith,
  writeJsonl,
  writeLines,
} from "../io/jsonl.js";
import type { Label, SolutionSample, UnitTestSample } from "../records.js";
import { type Extractor, sortedByIndex } from "./samples.js";

const MessageSchema = z.object({ role: z.string(), content: z.string() });
export type ChatMessage = z.infer<typeof MessageSchema>;

export const CodermPromptSchema = z.object({
  task_id: z.string().min(1),
  messages: z.array(MessageSchema).min(1),
});
/** One line of an `input_*_{sol,ut}.jsonl` prompt file. */
export type CodermPrompt = z.infer<typeof CodermPromptSchema>;

export async function readCodermPrompts(
  file: string,
  options: ReadOptions = {},
): Promise<Loaded<CodermPrompt>> {
  const { records, bad } = await readJsonlWith(file, CodermPromptSchema, JSON.parse, (r) => r, options);
  return { records, bad };
}

export async function writeCodermPrompts(file: string, prompts: Iterable<CodermPrompt>): Promise<void> {
  await writeJsonl(
    file,
    [...prompts].map((p) => ({ task_id: p.task_id, messages: p.messages })),
  );
}

// EvalPlus statuses are "pass", "fail" or "timeout" (null when unknown); anything but "pass" is a failure.
const STATUS = z.enum(["pass", "fail", "timeout"]).nullable();
const AnnotatedSolution = z.looseObject({
  solution: z.string(),
  base_status: STATUS.optional(),
  plus_status: STATUS.optional(),
  /** LiveCodeBench annotation key in the reference's `calculate_result.py`. */
  result: z.union([STATUS, z.boolean()]).optional(),
});
const SolutionsLine = z.object({
  task_id: z.string().min(1),
  solutions: z.array(z.union([z.string(), AnnotatedSolution])),
});
const UnitTestsLine = z.object({ task_id: z.string().min(1), unit_tests: z.array(z.string()) });

export interface CodermReadOptions extends ReadOptions {
  /**
   * Treat entries as raw model responses and extract with this function (`response` keeps the entry).
   * Without it entries are taken as the already-extracted code the reference files hold.
   */
  extract?: Extractor;
}

export interface CodermSolutions extends Loaded<SolutionSample> {
  /** Labels carried by annotated (`*_anno.jsonl`) entries, in the same order. */
  labels: Label[];
}

function sample(task_id: string, index: number, text: string, extract?: Extractor) {
  if (!extract) return { task_id, index, solution: text };
  const x = extract(text, task_id);
  return {
    task_id,
    index,
    solution: x.text,
    response: text,
    ...(x.rejected !== undefined ? { rejected: x.rejected } : {}),
  };
}

/** Read a CodeRM solutions file; index = position in the task's `solutions` list. */
export async function readCodermSolutions(
  file: string,
  options: CodermReadOptions = {},
): Promise<CodermSolutions> {
  const labels: Label[] = [];
  const { records, bad } = await readJsonlWith(
    file,
    SolutionsLine,
    JSON.parse,
    (line) =>
      line.solutions.map((entry, index): SolutionSample => {
        if (typeof entry === "string") return sample(line.task_id, index, entry, options.extract);
        const base = statusOf(entry.base_status);
        const plus = statusOf(entry.plus_status);
        const status = plus ?? base ?? statusOf(entry.result);
        if (status !== undefined) {
          const odd = [entry.base_status, entry.plus_status, entry.result].find(
            (s) => s === "timeout" || s === null,
          );
          labels.push({
            task_id: line.task_id,
            index,
            base_status: base ?? status,
            ...(plus !== undefined ? { plus_status: plus } : {}),
            correct: status === "pass",
            ...(odd !== undefined ? { details: String(odd) } : {}),
          });
        }
        return sample(line.task_id, index, entry.solution, options.extract);
      }),
    options,
  );
  return { records: records.flat(), bad, labels };
}

function statusOf(r: "pass" | "fail" | "timeout" | null | boolean | undefined): "pass" | "fail" | undefined {
  if (r === undefined) return undefined;
  if (typeof r === "boolean") return r ? "pass" : "fail";
  return r === "pass" ? "pass" : "fail";
}

/**
 * Write `{task_id, solutions}` lines. Like the reference, a task's list holds only usable solutions: a
 * sample with `solution: null` is left out, so later indices shift; the count left out is returned.
 * With `labels`, entries become `{solution, base_status, plus_status}` objects (the `_anno` form).
 */
export async function writeCodermSolutions(
  file: string,
  samples: Iterable<SolutionSample>,
  labels?: Iterable<Label>,
): Promise<{ skipped: number }> {
  const byKey = new Map<string, Label>();
  for (const l of labels ?? []) byKey.set(`${l.task_id}\u0000${l.index}`, l);
  let skipped = 0;
  const lines: unknown[] = [];
  for (const [task_id, list] of sortedByIndex(samples)) {
    const solutions: unknown[] = [];
    for (const s of list) {
      if (s.solution === null) {
        skipped++;
        continue;
      }
      const l = byKey.get(`${task_id}\u0000${s.index}`);
      if (!labels) solutions.push(s.solution);
      else
        solutions.push({
          solution: s.solution,
          ...(l ? { base_status: l.base_status } : {}),
          ...(l?.plus_status !== undefined ? { plus_status: l.plus_status } : {}),
        });
    }
    lines.push({ task_id, solutions });
  }
  await writeJsonl(file, lines);
  return { skipped };
}

/** The runner the reference appends to each extracted unit test (`UNITTEST_FORMAT`). */
const TRAILER =
  /\n\nsuite = unittest\.TestLoader\(\)\.loadTestsFromTestCase\((\w+)\)\nrunner = unittest\.TextTestRunner\(stream=output, verbosity=2\)\nresult = runner\.run\(suite\)\nlocals_dict\['result'\] = result\n?$/;

/** Split a reference unit-test entry into the test code and its TestCase class name (when wrapped). */
export function unwrapCodermUnitTest(entry: string): { test: string; className?: string } {
  const m = TRAILER.exec(entry);
  if (!m) return { test: entry };
  return { test: entry.slice(0, m.index), className: m[1] as string };
}

/** Add the reference runner trailer back (inverse of `unwrapCodermUnitTest`). */
export function wrapCodermUnitTest(test: string, className: string): string {
  return `${test}\n\nsuite = unittest.TestLoader().loadTestsFromTestCase(${className})
runner = unittest.TextTestRunner(stream=output, verbosity=2)
result = runner.run(suite)
locals_dict['result'] = result
`;
}

/**
 * Read a CodeRM unit-test file. Entries lose the reference's runner trailer (our harness runs the class
 * itself); index = position in `unit_tests`.
 */
export async function readCodermUnitTests(
  file: string,
  options: CodermReadOptions = {},
): Promise<Loaded<UnitTestSample>> {
  const { records, bad } = await readJsonlWith(
    file,
    UnitTestsLine,
    JSON.parse,
    (line) =>
      line.unit_tests.map((entry, index): UnitTestSample => {
        if (!options.extract) {
          return { task_id: line.task_id, index, format: "unittest", test: unwrapCodermUnitTest(entry).test };
        }
        const x = options.extract(entry, line.task_id);
        return {
          task_id: line.task_id,
          index,
          format: "unittest",
          test: x.text,
          response: entry,
          ...(x.rejected !== undefined ? { rejected: x.rejected } : {}),
        };
      }),
    options,
  );
  return { records: records.flat(), bad };
}

/**
 * Write `{task_id, unit_tests}` lines in the reference form (runner trailer included, so its
 * `evaluate.py` can run them). Tests whose class cannot be found, or that are null, are skipped.
 */
export async function writeCodermUnitTests(
  file: string,
  tests: Iterable<UnitTestSample>,
): Promise<{ skipped: number }> {
  let skipped = 0;
  const lines: string[] = [];
  for (const [task_id, list] of sortedByIndex(tests)) {
    const unit_tests: string[] = [];
    for (const t of list) {
      const cls = t.test === null ? undefined : /^class\s+(\w+)/m.exec(t.test)?.[1];
      if (t.test === null || cls === undefined) {
        skipped++;
        continue;
      }
      unit_tests.push(wrapCodermUnitTest(t.test, cls));
    }
    lines.push(JSON.stringify({ task_id, unit_tests }));
  }
  await writeLines(file, lines);
  return { skipped };
}

const ResponsesLine = z.object({
  messages: z.array(MessageSchema).min(1),
  prompt: z.string().optional(),
  responses: z.array(z.string()),
});

export type ResponseKind = "solution" | "unit-test";

/**
 * Read the reference's raw inference output (`merge_result.jsonl`) and name each line's task by matching
 * its first message with a prompt file, as `extract_*.py` does (by content rather than by position, so a
 * reordered file still joins). Unmatched lines are bad lines. Samples keep the raw text in `response`;
 * `extract` (from `src/extract/`) fills `solution`/`test`, else they stay null with `rejected: "not extracted"`.
 */
export async function readCodermResponses(
  file: string,
  prompts: Iterable<CodermPrompt>,
  kind: ResponseKind,
  options: CodermReadOptions = {},
): Promise<Loaded<SolutionSample | UnitTestSample>> {
  const byContent = new Map<string, string>();
  for (const p of prompts) byContent.set(p.messages[0]?.content ?? "", p.task_id);
  const read = await readJsonlWith(
    file,
    ResponsesLine,
    JSON.parse,
    (r) => {
      const task_id = byContent.get(r.messages[0]?.content ?? "");
      if (task_id === undefined) return new Rejected("messages match no prompt in the prompt file");
      return r.responses.map((response, index): SolutionSample | UnitTestSample => {
        const x = options.extract
          ? options.extract(response, task_id)
          : { text: null, rejected: "not extracted" };
        const rejected = x.rejected !== undefined ? { rejected: x.rejected } : {};
        if (kind === "solution") return { task_id, index, solution: x.text, response, ...rejected };
        return { task_id, index, format: "unittest", test: x.text, response, ...rejected };
      });
    },
    options,
  );
  // Every line matched no prompt: responses and prompts of different runs or benchmarks.
  requireSomeRecords(file, read, "an answer to a prompt of the prompt file");
  return { records: read.records.flat(), bad: read.bad };
}
