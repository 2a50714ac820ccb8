/**
 * Pairs for bench/exec.ts from CodeT's HumanEval data: each CodeT test sample becomes one TestCase class with
 * one method per assert case (CodeT's first 5), paired with solutions (prompt + truncated completion). The
 * same pairs are also written as reference programs: solution + "\n\n" + test class + CodeRM's runner.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { assertsToUnittest, extractAssertCases, truncateSolution } from "../src/extract/index.js";
import type { PairInput } from "../src/sandbox/index.js";

export interface Shape {
  name: string;
  problems: number;
  solutions: number;
  tests: number;
  /** Every n-th solution (1-based: n, 2n, …) is replaced by one whose entry point loops forever. */
  loopEvery?: number;
  /** Problems from this index on (so shapes can use different problems). */
  offset?: number;
  goal?: number;
  /** List every disagreement (the parity shape); others list the first few. */
  listAll?: boolean;
}

export interface Problem {
  taskId: string;
  prompt: string;
  entry: string;
  solutions: string[];
  classes: string[];
}

const RUNNER =
  "\nsuite = unittest.TestLoader().loadTestsFromTestCase(TestAsserts)\nrunner = unittest.TextTestRunner(stream=output, verbosity=2)\nresult = runner.run(suite)\nlocals_dict['result'] = result\n";

const VENDOR = fileURLToPath(new URL("../vendor/codet/", import.meta.url));

/** CodeT data: `--data DIR`, else $CODERM_CODET_DIR, else /work/shared/data/codet (164 problems), else vendor (20). */
export function codetDir(flag: string | undefined): string {
  for (const d of [flag, process.env.CODERM_CODET_DIR, "/work/shared/data/codet"])
    if (d && existsSync(join(d, "HumanEval_for_code_generation.jsonl"))) return d;
  return VENDOR;
}

const jsonl = <T>(dir: string, f: string): T[] =>
  readFileSync(join(dir, f), "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);

export function loadProblems(dir: string): Problem[] {
  const tasks = jsonl<{ task_id: string; prompt: string; entry_point: string }>(
    dir,
    "HumanEval_for_code_generation.jsonl",
  );
  const sols = jsonl<{ prompt: string; samples: string[] }>(
    dir,
    "HumanEval_codegen16B_temp0.8_topp0.95_num100_max300_code_solution.jsonl",
  );
  const tests = jsonl<{ prompt: string; samples: string[] }>(
    dir,
    "HumanEval_codegen16B_temp0.8_topp0.95_num100_max300_test_case.jsonl",
  );
  // The files are not in the same order: solutions match by prompt, test samples by the entry point their
  // prompt names ("# check the correctness of <entry_point>").
  const solsByPrompt = new Map(sols.map((s) => [s.prompt, s]));
  const testsByEntry = new Map(
    tests.map((t) => [/# check the correctness of (\w+)/.exec(t.prompt)?.[1] ?? "", t]),
  );
  return tasks.map((task) => {
    const sol = solsByPrompt.get(task.prompt);
    const tst = testsByEntry.get(task.entry_point);
    if (!sol || !tst) throw new Error(`${dir}: no solutions or tests for ${task.task_id}`);
    const classes: string[] = [];
    for (const sample of tst.samples) {
      const { cases } = extractAssertCases(sample, task.entry_point);
      if (cases.length === 0) continue;
      try {
        classes.push(assertsToUnittest(cases));
      } catch {
        // a case that does not compile as a method body: CodeT would drop it too
      }
    }
    return {
      taskId: task.task_id,
      prompt: task.prompt,
      entry: task.entry_point,
      solutions: sol.samples.map((s) => task.prompt + truncateSolution(s)),
      classes,
    };
  });
}

/** The shape's pairs and the reference's programs for them (same ids). Null when the data has too few problems. */
export function buildShape(
  all: Problem[],
  shape: Shape,
): { pairs: PairInput[]; programs: { id: string; code: string }[] } | null {
  const start = shape.offset ?? 0;
  const probs = all.slice(start, start + shape.problems);
  if (probs.length < shape.problems) return null;
  const pairs: PairInput[] = [];
  const programs: { id: string; code: string }[] = [];
  for (const p of probs) {
    const sols = p.solutions
      .slice(0, shape.solutions)
      .map((s, i) =>
        shape.loopEvery && (i + 1) % shape.loopEvery === 0 ? `${p.prompt}    while True:\n        pass\n` : s,
      );
    const classes = p.classes.slice(0, shape.tests);
    for (let i = 0; i < sols.length; i++)
      for (let j = 0; j < classes.length; j++) {
        const id = `${p.taskId}/${i}/${j}`;
        pairs.push({ id, solution: sols[i]!, test: classes[j]!, format: "unittest" });
        programs.push({ id, code: `${sols[i]!}\n\n${classes[j]!.trimEnd()}\n${RUNNER}` });
      }
  }
  return { pairs, programs };
}
