import { CodermError } from "../errors.js";
import type { Benchmark, Problem } from "../records.js";
import { type PromptRecord, userPrompt } from "./prompt-record.js";
import {
  EVALPLUS_SOLUTION_PREFIX,
  LCB_ANSWER_LINE,
  LCB_FORMAT_WITH_STARTER,
  LCB_FORMAT_WITHOUT_STARTER,
  LCB_SYSTEM_MESSAGE,
} from "./templates.js";

/** HumanEval+/MBPP+: the raw task prompt (trailing newline included) inside a ```python fence. */
export function evalPlusSolutionPrompt(taskPrompt: string): string {
  return `${EVALPLUS_SOLUTION_PREFIX}${taskPrompt}\n\`\`\`\n`;
}

/**
 * LiveCodeBench's generic prompt with the system message folded into the user turn, as the CodeRM file has
 * it. Without starter code LiveCodeBench asks for a stdin/stdout program (unverified against CodeRM's file,
 * where every task has starter code).
 */
export function liveCodeBenchSolutionPrompt(question: string, starterCode: string): string {
  let s = `${LCB_SYSTEM_MESSAGE}\n\n### Question:\n${question}\n\n`;
  if (starterCode !== "")
    s += `### Format: ${LCB_FORMAT_WITH_STARTER}\n\`\`\`python\n${starterCode}\n\`\`\`\n\n`;
  else s += `### Format: ${LCB_FORMAT_WITHOUT_STARTER}\n\`\`\`python\n# YOUR CODE HERE\n\`\`\`\n\n`;
  return s + LCB_ANSWER_LINE;
}

/** The LiveCodeBench question text and starter code of a problem, wherever the loader put them. */
export function liveCodeBenchParts(problem: Problem): { question: string; starterCode: string } {
  const loose = problem as Problem & { livecodebench?: { starter_code?: string }; starter_code?: unknown };
  const starter = loose.livecodebench?.starter_code ?? loose.starter_code;
  return {
    question: problem.question ?? problem.prompt,
    starterCode: typeof starter === "string" ? starter : "",
  };
}

/** Which prompt style a benchmark uses; `custom`/`humaneval` problems get the EvalPlus style. */
export function solutionPromptText(problem: Problem, benchmark: Benchmark | undefined): string {
  const b = benchmark ?? problem.benchmark;
  if (b === "livecodebench") {
    const { question, starterCode } = liveCodeBenchParts(problem);
    return liveCodeBenchSolutionPrompt(question, starterCode);
  }
  if (problem.prompt === "")
    throw new CodermError("E_BAD_INPUT", "problem has an empty prompt", problem.task_id);
  return evalPlusSolutionPrompt(problem.prompt);
}

/** The policy model's prompt for one problem, as a `{task_id, messages}` record. */
export function buildSolutionPrompt(problem: Problem, benchmark?: Benchmark): PromptRecord {
  return userPrompt(problem.task_id, solutionPromptText(problem, benchmark));
}

const LCB_PROMPT_RE = new RegExp(
  `^${escapeRe(`${LCB_SYSTEM_MESSAGE}\n\n### Question:\n`)}([\\s\\S]*)\\n\\n### Format: ([^\\n]*)\\n\`\`\`python\\n([\\s\\S]*)\\n\`\`\`\\n\\n${escapeRe(LCB_ANSWER_LINE)}$`,
);

/**
 * Recover the question text and starter code from a LiveCodeBench solution prompt. CodeRM ships no
 * LiveCodeBench dataset, only these prompts, so this is how its problems are rebuilt offline.
 */
export function parseLiveCodeBenchSolutionPrompt(content: string): { question: string; starterCode: string } {
  const m = LCB_PROMPT_RE.exec(content);
  if (!m) throw new CodermError("E_BAD_INPUT", "not a LiveCodeBench solution prompt");
  const [, question = "", format = "", code = ""] = m;
  return { question, starterCode: format === LCB_FORMAT_WITH_STARTER ? code : "" };
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
