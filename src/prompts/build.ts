import { CodermError } from "../errors.js";
import type { Benchmark, Problem } from "../records.js";
import type { PromptRecord } from "./prompt-record.js";
import { buildSolutionPrompt, parseLiveCodeBenchSolutionPrompt } from "./solution.js";
import { buildUnitTestPrompt } from "./unit-test.js";

/**
 * Prompts for a set of problems: the policy prompt, or the tester prompt embedding `solutions.get(task_id)`
 * (falling back to the canonical solution). Problems without any solution to embed are an input error.
 */
export function buildPrompts(
  problems: Iterable<Problem>,
  role: "policy" | "tester",
  benchmark?: Benchmark,
  solutions?: ReadonlyMap<string, string>,
): PromptRecord[] {
  const out: PromptRecord[] = [];
  const missing: string[] = [];
  for (const p of problems) {
    if (role === "policy") {
      out.push(buildSolutionPrompt(p, benchmark));
      continue;
    }
    const embedded = solutions?.get(p.task_id);
    if (embedded === undefined && !p.canonical_solution) {
      missing.push(p.task_id);
      continue;
    }
    out.push(buildUnitTestPrompt(p, embedded, benchmark));
  }
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
