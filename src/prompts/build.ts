import { CodermError } from "../errors.js";
import type { Benchmark, Problem } from "../records.js";
import type { PromptRecord } from "./prompt-record.js";
import { userPrompt } from "./prompt-record.js";
import { parseLiveCodeBenchSolutionPrompt, solutionPromptText } from "./solution.js";
import { buildUnitTestPrompt, unitTestQuestion } from "./unit-test.js";

/**
 * How a benchmark asks: the policy prompt's text and the question the tester prompt embeds. A benchmark
 * descriptor carries one; `promptStyle(name)` gives the paper's for the bundled benchmarks.
 */
export interface PromptStyle {
  solution(problem: Problem): string;
  question(problem: Problem): string;
}

/** The paper's prompts for a benchmark name (`livecodebench`, `mbpp+`, else HumanEval/EvalPlus style). */
export function promptStyle(benchmark?: Benchmark): PromptStyle {
  return {
    solution: (p) => solutionPromptText(p, benchmark),
    question: (p) => unitTestQuestion(p, benchmark),
  };
}

export interface EmbedOptions {
  /**
   * The file `solutions` came from (`--from-solutions`): a problem it has no usable solution for is an
   * error naming it, instead of a prompt that silently embeds the canonical solution.
   */
  solutionsFile?: string;
  /** Told the problems whose prompt embeds the canonical solution for want of one in `solutions`. */
  onCanonical?: (taskIds: string[]) => void;
}

/**
 * Prompts for a set of problems: the policy prompt, or the tester prompt embedding `solutions.get(task_id)`
 * (falling back to the canonical solution, except with `embed.solutionsFile`). Problems without any
 * solution to embed are an input error.
 */
export function buildPrompts(
  problems: Iterable<Problem>,
  role: "policy" | "tester",
  benchmark?: Benchmark | PromptStyle,
  solutions?: ReadonlyMap<string, string>,
  embed: EmbedOptions = {},
): PromptRecord[] {
  const style = typeof benchmark === "object" ? benchmark : promptStyle(benchmark);
  const out: PromptRecord[] = [];
  const missing: string[] = [];
  const canonical: string[] = [];
  for (const p of problems) {
    if (role === "policy") {
      out.push(userPrompt(p.task_id, style.solution(p)));
      continue;
    }
    const embedded = solutions?.get(p.task_id);
    if (embedded === undefined && (!p.canonical_solution || embed.solutionsFile !== undefined)) {
      missing.push(p.task_id);
      continue;
    }
    if (embedded === undefined && solutions) canonical.push(p.task_id);
    out.push(buildUnitTestPrompt(p, embedded, style));
  }
  if (missing.length > 0 && embed.solutionsFile !== undefined) {
    throw new CodermError(
      "E_BAD_INPUT",
      `no usable solution for task "${missing[0]}"${missing.length > 1 ? ` (and ${missing.length - 1} more tasks)` : ""} to embed in its tester prompt`,
      `--from-solutions ${embed.solutionsFile}`,
    );
  }
  if (canonical.length > 0) embed.onCanonical?.(canonical);
  if (missing.length > 0) {
    throw new CodermError(
      "E_BAD_INPUT",
      `no solution to embed for ${missing.length} problem(s) (first: ${missing[0]}); pass --from-solutions`,
      "--from-solutions",
    );
  }
  return out;
}

/**
 * LiveCodeBench problems rebuilt from CodeRM's solution prompts (question text and starter code): the only
 * LiveCodeBench data shipped offline. Enough to rebuild both prompts; not enough to judge solutions.
 */
export function liveCodeBenchProblemsFromPrompts(records: Iterable<PromptRecord>): Problem[] {
  return [...records].map((r) => {
    const { question, starterCode } = parseLiveCodeBenchSolutionPrompt(r.messages.at(-1)?.content ?? "");
    return {
      task_id: r.task_id,
      benchmark: "livecodebench",
      prompt: question,
      question,
      entry_point: functionName(starterCode),
      starter_code: starterCode,
    };
  });
}

function functionName(starterCode: string): string {
  return /def\s+(\w+)\s*\(/.exec(starterCode)?.[1] ?? "";
}
