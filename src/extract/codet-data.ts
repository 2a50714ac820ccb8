/**
 * CodeT's released generations as coderm samples, with CodeT's own post-processing: solutions cut at
 * its stop words and appended to the prompt, test samples split into their first five assert cases.
 */
import { join } from "node:path";
import type { BadLine, ReadOptions } from "../io/jsonl.js";
import { CODET_FILES, readCodetSolutions, readCodetTasks, readCodetTests } from "../problems/index.js";
import type { Problem, SolutionSample, UnitTestSample } from "../records.js";
import { CODET_CASE_LIMIT, extractAssertCases, truncateSolution } from "./codet.js";
import { initPython } from "./python-parser.js";

export interface CodetData {
  problems: Problem[];
  solutions: SolutionSample[];
  tests: UnitTestSample[];
  bad: BadLine[];
}

export interface CodetDataOptions extends ReadOptions {
  /** Assert cases kept per test sample (CodeT: 5). */
  casesPerSample?: number;
  /** Test samples used per task (the first m; default all). */
  testSamples?: number;
  /**
   * `case` (CodeT's unit): every distinct assert case of a task is one unit test, as CodeT's consensus
   * sets are built over individual test cases. `sample`: a test sample is one unit test that passes only
   * when all its cases pass (the paper's unittest-class granularity).
   */
  granularity?: "case" | "sample";
}

/**
 * One unit test per assert case of each task, in sample order. Repeated cases stay separate columns:
 * CodeT's consensus score counts a case as often as the model wrote it (the sandbox runs each distinct
 * text once, so repeats cost nothing to execute).
 */
export function splitCases(tests: readonly UnitTestSample[]): UnitTestSample[] {
  const out: UnitTestSample[] = [];
  const next = new Map<string, number>();
  for (const t of tests) {
    for (const c of t.cases ?? []) {
      const index = next.get(t.task_id) ?? 0;
      next.set(t.task_id, index + 1);
      out.push({ task_id: t.task_id, index, format: "assert", test: c, cases: [c] });
    }
  }
  return out;
}

export async function loadCodetData(dir: string, options: CodetDataOptions = {}): Promise<CodetData> {
  await initPython();
  const limit = options.casesPerSample ?? CODET_CASE_LIMIT;
  const tasks = await readCodetTasks(join(dir, CODET_FILES.testTasks), options);
  const entry = new Map(tasks.records.map((p) => [p.task_id, p.entry_point]));
  const solutions = await readCodetSolutions(
    join(dir, CODET_FILES.solutions),
    join(dir, CODET_FILES.solutionTasks),
    { ...options, extract: (raw) => ({ text: truncateSolution(raw) }) },
  );
  const tests = await readCodetTests(join(dir, CODET_FILES.tests), join(dir, CODET_FILES.testTasks), {
    ...options,
    extractCases: (raw, taskId) => {
      const x = extractAssertCases(raw, entry.get(taskId) ?? "", { limit });
      return x.cases.length > 0
        ? { cases: x.cases }
        : { cases: [], rejected: x.rejected[0]?.reason ?? "no assert case names the entry point" };
    },
  });
  const kept = tests.records.filter(
    (t) => options.testSamples === undefined || t.index < options.testSamples,
  );
  return {
    // The code-generation task file carries the prompts solutions complete (docstring examples removed).
    problems: solutions.problems,
    solutions: solutions.records,
    tests: (options.granularity ?? "case") === "case" ? splitCases(kept) : kept,
    bad: [...tasks.bad, ...solutions.bad, ...tests.bad],
  };
}
