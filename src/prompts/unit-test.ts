import { CodermError } from "../errors.js";
import type { Benchmark, Problem } from "../records.js";
import { collapseWhitespace, pyFind, pySlice, rstripChars, stripChars } from "./_py-str.js";
import { type PromptRecord, userPrompt } from "./prompt-record.js";
import { liveCodeBenchParts } from "./solution.js";
import {
  LCB_UT_FORMAT_LINE,
  UNIT_TEST_PROMPT_HEAD,
  UNIT_TEST_PROMPT_MIDDLE,
  UNIT_TEST_PROMPT_TAIL,
} from "./templates.js";

/** The paper's unit-test prompt with `question` and one solution (`code`) substituted. */
export function unitTestPromptText(question: string, code: string): string {
  return `${UNIT_TEST_PROMPT_HEAD}${question}${UNIT_TEST_PROMPT_MIDDLE}${code}${UNIT_TEST_PROMPT_TAIL}`;
}

/** Split a unit-test prompt back into its question and embedded solution. */
export function parseUnitTestPrompt(content: string): { question: string; code: string } {
  if (!content.startsWith(UNIT_TEST_PROMPT_HEAD) || !content.endsWith(UNIT_TEST_PROMPT_TAIL)) {
    throw new CodermError("E_BAD_INPUT", "not a CodeRM unit-test prompt");
  }
  const body = content.slice(UNIT_TEST_PROMPT_HEAD.length, content.length - UNIT_TEST_PROMPT_TAIL.length);
  const at = body.indexOf(UNIT_TEST_PROMPT_MIDDLE);
  if (at < 0) throw new CodermError("E_BAD_INPUT", "unit-test prompt has no '### code solution' section");
  return { question: body.slice(0, at), code: body.slice(at + UNIT_TEST_PROMPT_MIDDLE.length) };
}

/**
 * HumanEval question as CodeRM wrote it: "Write a function named `f`. " + the entry point's docstring text
 * before the first `>>>` on one line, then the doctest examples dedented. This replays the reference's string
 * slicing exactly, quirks included: with a `'''` docstring the failed `find` (-1) makes it start at offset 7
 * of the prompt, and with no `>>>` the last character lands after the newline. Reproduces all 164 tasks.
 */
export function humanEvalQuestion(prompt: string, entryPoint: string): string {
  const start = pyFind(prompt, '\n    """', pyFind(prompt, `def ${entryPoint}`)) + 8;
  const end = prompt.lastIndexOf('"""');
  const doc = pySlice(prompt, start, end);
  const k = doc.indexOf(">>>");
  const description = collapseWhitespace(pySlice(doc, 0, k));
  const examples = rstripChars(pySlice(doc, k).replaceAll("\n    ", "\n"), "\n");
  return `Write a function named \`${entryPoint}\`. ${description}\n${examples}`;
}

/** MBPP+ question: the prompt's docstring body (the reference strips quotes and newlines from both ends). */
export function mbppQuestion(prompt: string): string {
  return stripChars(prompt, '"\n');
}

/** `class Solution:\n    def f(self, a: int) -> int:` becomes `def f(a: int) -> int:`. */
export function functionFormStarter(starterCode: string): string {
  const m = /def\s+(\w+)\(\s*self\s*,?\s*([\s\S]*?)\)\s*(->[\s\S]*?)?:\s*$/.exec(starterCode.trimEnd());
  if (!m) return starterCode.trim();
  const [, name, args = "", ret = ""] = m;
  return `def ${name}(${args})${ret ? ` ${ret.trim()}` : ""}:`;
}

/** LiveCodeBench question: the problem text plus the starter in function form. */
export function liveCodeBenchQuestion(question: string, starterCode: string): string {
  if (starterCode === "") return question;
  return `${question}\n\n${LCB_UT_FORMAT_LINE}${functionFormStarter(starterCode)}`;
}

/** The question shown to the tester model; `problem.question` wins when the loader provides one. */
export function unitTestQuestion(problem: Problem, benchmark?: Benchmark): string {
  const b = benchmark ?? problem.benchmark;
  if (b === "livecodebench") {
    const { question, starterCode } = liveCodeBenchParts(problem);
    return liveCodeBenchQuestion(question, starterCode);
  }
  if (problem.question !== undefined) return problem.question;
  if (b === "mbpp+") return mbppQuestion(problem.prompt);
  if (problem.entry_point !== "" && problem.prompt.includes(`def ${problem.entry_point}`)) {
    return humanEvalQuestion(problem.prompt, problem.entry_point);
  }
  return problem.prompt.trim();
}

/**
 * The tester model's prompt for one problem, embedding one solution in function form (paper: one
 * model-written solution per problem; falls back to the canonical solution when given none).
 */
export function buildUnitTestPrompt(
  problem: Problem,
  solution?: string,
  benchmark?: Benchmark | { question(problem: Problem): string },
): PromptRecord {
  const code = solution ?? canonicalProgram(problem);
  if (code === undefined) {
    throw new CodermError("E_BAD_INPUT", "no solution to embed in the unit-test prompt", problem.task_id);
  }
  const question =
    typeof benchmark === "object" ? benchmark.question(problem) : unitTestQuestion(problem, benchmark);
  return userPrompt(problem.task_id, unitTestPromptText(question, code));
}

/** HumanEval canonical solutions are bodies: the full program is prompt + body. */
function canonicalProgram(problem: Problem): string | undefined {
  const c = problem.canonical_solution;
  if (c === undefined || c.trim() === "") return undefined;
  if (problem.entry_point !== "" && !c.includes(`def ${problem.entry_point}`))
    return (problem.prompt + c).trim();
  return c.trim();
}
