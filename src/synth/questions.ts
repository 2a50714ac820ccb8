/**
 * What `coderm synth` starts from: questions with a ground-truth solution, read from the formats training
 * data comes in. Each reader maps its source onto one record, a `Problem` (the shared vocabulary, so the
 * prompt builders and labelers take it as is) with the ground truth as a whole program in
 * `canonical_solution` and what the source knows besides:
 * - `jsonl`: `{task_id?, question, code | solution | ground_truth, entry_point?, tests?}`; HumanEval-style
 *   `{task_id, prompt, canonical_solution, entry_point, test}` works too;
 * - `codefeedback` (m-a-p/CodeFeedback-Filtered-Instruction): `query`, `answer` with the solution in a code
 *   fence; rows whose `lang` is not Python are skipped;
 * - `taco` (BAAI/TACO): `question`, `solutions` (a JSON list; the first that compiles is the ground truth),
 *   `input_output` (JSON `{inputs, outputs, fn_name?}`: the source's own tests), `fn_name`, `starter_code`;
 *   stdin/stdout rows have no function to unit-test and are skipped with that reason;
 * - `coderm-unittest` (KAKA22/CodeRM-UnitTest): `task_id, question, code_ground_truth`, `code_generate`
 *   (JSON list of `{sol_id, code, …}`: weak solutions) and `unit_tests` (JSON list of `{ut_id, code}`), to
 *   re-score or extend it.
 * Containers: JSONL, JSON arrays or parquet (rows.ts). A bad row is one line naming the row and the field.
 */
import { z } from "zod";
import { CodermError } from "../errors.js";
import { compileError, extractCode, initPython } from "../extract/index.js";
import { withPythonTree } from "../extract/python-parser.js";
import type { BadLine, ReadOptions } from "../io/jsonl.js";
import { ProblemSchema } from "../records.js";
import { parseListColumn } from "./py-literal.js";
import { readRows } from "./rows.js";

export const QUESTION_FORMATS = ["auto", "jsonl", "codefeedback", "taco", "coderm-unittest"] as const;
export type QuestionFormat = (typeof QUESTION_FORMATS)[number];

const CaseSchema = z.object({ inputs: z.array(z.unknown()), outputs: z.array(z.unknown()) });

export const SynthQuestionSchema = ProblemSchema.extend({
  /** The ground truth as a complete program (what the tests must pass). */
  canonical_solution: z.string().min(1),
  /** The source format the question came from. */
  source: z.string(),
  /** The source's own call-based tests (TACO `input_output`): one argument list and one output per case. */
  io_tests: CaseSchema.optional(),
  /** Weak solutions the source ships (CodeRM-UnitTest `code_generate`). */
  weak: z.array(z.object({ sol_id: z.union([z.number(), z.string()]), code: z.string() })).optional(),
  /** Unit tests the source ships (CodeRM-UnitTest `unit_tests`). */
  unit_tests: z.array(z.object({ ut_id: z.union([z.number(), z.string()]), code: z.string() })).optional(),
});
export type SynthQuestion = z.infer<typeof SynthQuestionSchema>;

export interface LoadedQuestions {
  questions: SynthQuestion[];
  bad: BadLine[];
  /** Rows skipped on purpose (not Python, stdin-only…), with the reason. */
  skipped: { where: string; reason: string }[];
  format: Exclude<QuestionFormat, "auto">;
}

class RowError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}
class Skip extends Error {}

function str(v: Record<string, unknown>, field: string, optional = false): string {
  const x = v[field];
  if (typeof x === "string") return x;
  if (typeof x === "number" || typeof x === "bigint") return String(x);
  if (optional && (x === undefined || x === null)) return "";
  throw new RowError(field, x === undefined ? "missing" : `expected a string, got ${typeof x}`);
}

function listColumn(v: Record<string, unknown>, field: string): unknown[] {
  const x = v[field];
  let parsed: unknown = x;
  if (typeof x === "string") {
    try {
      parsed = parseListColumn(x);
    } catch (e) {
      throw new RowError(field, `not a JSON list (${(e as Error).message})`);
    }
  }
  if (!Array.isArray(parsed)) throw new RowError(field, "expected a JSON list");
  return parsed;
}

/** Names of the top-level functions a program defines, in order. */
export function topLevelFunctions(code: string): string[] {
  return withPythonTree(code, (root) => {
    const names: string[] = [];
    for (const c of root.namedChildren) {
      const def = c?.type === "decorated_definition" ? c.childForFieldName("definition") : c;
      if (def?.type === "function_definition") names.push(def.childForFieldName("name")?.text ?? "");
    }
    return names.filter(Boolean);
  });
}

function groundTruth(code: string, field: string): string {
  const text = code.replace(/\s+$/, "");
  if (text.trim() === "") throw new RowError(field, "empty ground-truth code");
  const error = compileError(text);
  if (error) throw new RowError(field, `ground truth does not compile: ${error}`);
  return `${text}\n`;
}

function entryPoint(code: string, given: string | undefined): string {
  if (given) return given;
  const fns = topLevelFunctions(code);
  return fns.find((f) => f !== "main") ?? fns[0] ?? "";
}

function detect(v: Record<string, unknown>): Exclude<QuestionFormat, "auto"> {
  if ("code_ground_truth" in v) return "coderm-unittest";
  if ("query" in v && "answer" in v) return "codefeedback";
  if ("solutions" in v && "input_output" in v) return "taco";
  return "jsonl";
}

function fromJsonl(v: Record<string, unknown>, n: number): SynthQuestion {
  if ("canonical_solution" in v && "prompt" in v) {
    // HumanEval-style: the canonical solution is the body that completes the prompt.
    const prompt = str(v, "prompt");
    const body = str(v, "canonical_solution");
    const entry = str(v, "entry_point", true);
    const code = groundTruth(
      entry && body.includes(`def ${entry}`) ? body : prompt + body,
      "canonical_solution",
    );
    const test = str(v, "test", true);
    return {
      task_id: str(v, "task_id"),
      prompt,
      entry_point: entryPoint(code, entry),
      canonical_solution: code,
      ...(test ? { test } : {}),
      source: "jsonl",
    };
  }
  const field =
    ["code", "solution", "ground_truth", "answer"].find((f) => typeof v[f] === "string") ?? "code";
  const code = groundTruth(str(v, field), field);
  const question = str(v, "question");
  return {
    task_id: v.task_id !== undefined ? str(v, "task_id") : `q${n}`,
    prompt: question,
    question,
    entry_point: entryPoint(code, str(v, "entry_point", true) || undefined),
    canonical_solution: code,
    source: "jsonl",
  };
}

function fromCodeFeedback(v: Record<string, unknown>, n: number): SynthQuestion {
  const lang = str(v, "lang", true).toLowerCase();
  if (lang && lang !== "python") throw new Skip(`lang is ${lang}, not python`);
  const answer = str(v, "answer");
  const block = extractCode(answer, { mode: "longest" });
  if (!block.ok) throw new RowError("answer", `no solution code block (${block.reason})`);
  const code = groundTruth(block.text, "answer");
  const question = str(v, "query");
  return {
    task_id:
      v.task_id !== undefined ? str(v, "task_id") : v.id !== undefined ? str(v, "id") : `codefeedback-${n}`,
    prompt: question,
    question,
    entry_point: entryPoint(code, undefined),
    canonical_solution: code,
    source: "codefeedback",
  };
}

function fromTaco(v: Record<string, unknown>, n: number): SynthQuestion {
  const solutions = listColumn(v, "solutions");
  let io: { inputs?: unknown; outputs?: unknown; fn_name?: unknown } = {};
  const rawIo = v.input_output;
  if (typeof rawIo === "string" && rawIo.trim() !== "") {
    try {
      io = JSON.parse(rawIo) as typeof io;
    } catch (e) {
      throw new RowError("input_output", `invalid JSON (${(e as Error).message})`);
    }
  } else if (rawIo && typeof rawIo === "object") io = rawIo as typeof io;
  const fnName = str(v, "fn_name", true) || (typeof io.fn_name === "string" ? io.fn_name : "");
  if (!fnName) throw new Skip("stdin/stdout problem: no function to unit-test");
  const code = solutions.find(
    (s) => typeof s === "string" && s.trim() !== "" && compileError(s) === undefined,
  );
  if (typeof code !== "string") throw new RowError("solutions", "no solution compiles");
  const question = str(v, "question");
  const starter = str(v, "starter_code", true);
  const cases = CaseSchema.safeParse(io);
  return {
    task_id: v.task_id !== undefined ? str(v, "task_id") : `taco-${n}`,
    prompt: question,
    question,
    entry_point: fnName,
    canonical_solution: groundTruth(code, "solutions"),
    ...(starter ? { starter_code: starter } : {}),
    ...(cases.success && cases.data.inputs.length > 0 ? { io_tests: cases.data } : {}),
    source: "taco",
  };
}

function fromCodermUnitTest(v: Record<string, unknown>): SynthQuestion {
  const code = groundTruth(str(v, "code_ground_truth"), "code_ground_truth");
  const weak = listColumn(v, "code_generate").map((s, i) => {
    const o = s as { sol_id?: unknown; code?: unknown };
    if (typeof o?.code !== "string") throw new RowError(`code_generate[${i}].code`, "missing");
    return {
      sol_id: typeof o.sol_id === "number" || typeof o.sol_id === "string" ? o.sol_id : i,
      code: o.code,
    };
  });
  const tests = listColumn(v, "unit_tests").map((t, i) => {
    const o = t as { ut_id?: unknown; code?: unknown };
    if (typeof o?.code !== "string") throw new RowError(`unit_tests[${i}].code`, "missing");
    return { ut_id: typeof o.ut_id === "number" || typeof o.ut_id === "string" ? o.ut_id : i, code: o.code };
  });
  const question = str(v, "question");
  return {
    task_id: str(v, "task_id"),
    prompt: question,
    question,
    entry_point: entryPoint(code, undefined),
    canonical_solution: code,
    weak,
    unit_tests: tests,
    source: "coderm-unittest",
  };
}

/** Read questions from `file` (`.jsonl[.gz]`, `.json` or `.parquet`). */
export async function readQuestions(
  file: string,
  options: ReadOptions & { format?: QuestionFormat } = {},
): Promise<LoadedQuestions> {
  await initPython();
  const out: LoadedQuestions = { questions: [], bad: [], skipped: [], format: "jsonl" };
  let format = options.format && options.format !== "auto" ? options.format : undefined;
  const ids = new Set<string>();
  let n = 0;
  const bad = (where: string, reason: string) => {
    if (options.strict) throw new CodermError("E_BAD_LINE", reason, where);
    const [f, line] = splitWhere(where);
    const b = { file: f, line, reason };
    out.bad.push(b);
    options.onBadLine?.(b);
  };
  for await (const row of readRows(file)) {
    if ("error" in row) {
      bad(row.where, row.error);
      continue;
    }
    format ??= detect(row.value);
    try {
      const q =
        format === "codefeedback"
          ? fromCodeFeedback(row.value, n)
          : format === "taco"
            ? fromTaco(row.value, n)
            : format === "coderm-unittest"
              ? fromCodermUnitTest(row.value)
              : fromJsonl(row.value, n);
      if (ids.has(q.task_id)) throw new RowError("task_id", `duplicate task_id ${JSON.stringify(q.task_id)}`);
      ids.add(q.task_id);
      out.questions.push(q);
    } catch (e) {
      if (e instanceof Skip) out.skipped.push({ where: row.where, reason: e.message });
      else if (e instanceof RowError) bad(row.where, `${e.field}: ${e.message}`);
      else throw e;
    }
    n++;
  }
  out.format = format ?? "jsonl";
  return out;
}

function splitWhere(where: string): [string, number] {
  const m = /^(.*?)(?::(\d+)|: row (\d+))$/.exec(where);
  return m ? [m[1] as string, Number(m[2] ?? m[3])] : [where, 0];
}
