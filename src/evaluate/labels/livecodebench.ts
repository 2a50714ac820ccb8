/**
 * LiveCodeBench labels (lcb_runner/evaluation/testing_util.py `run_test`): public then private tests;
 * functional problems call `Solution().<func_name>(*args)` with one JSON value per input line and compare
 * with `==` (a tuple counts as a list); stdin/stdout problems compare stripped lines, exactly or as lists of
 * decimals. The first failing test decides. Executed by the judge-side `labels` kind (`lcb_check`,
 * harness/coderm_labels/lcb.py): expected outputs stay in the judge.
 */
import { CodermError } from "../../errors.js";
import type { Label, Problem } from "../../records.js";
import type { LabelRequest } from "./evalplus.js";
import type { LabelExecutor } from "./executor.js";
import { runPrograms } from "./programs.js";

export interface LiveCodeBenchLabelOptions {
  executor: LabelExecutor;
  /** Seconds per test (LiveCodeBench's default 6). */
  timeout?: number;
  batchSize?: number;
  onLabels?: (labels: Label[]) => void | Promise<void>;
}

/** The job fields for one problem's tests. */
export function liveCodeBenchTests(p: Problem): {
  inputs: string[];
  outputs: string[];
  fn_name: string | null;
} {
  const info = p.livecodebench;
  if (!info)
    throw new CodermError("E_NO_GROUND_TRUTH", "not a LiveCodeBench problem (no test cases)", p.task_id);
  const tests = [...info.public_test_cases, ...info.private_test_cases];
  const fn = info.metadata.func_name;
  const functional = tests.some((t) => t.testtype === "functional");
  return {
    inputs: tests.map((t) => t.input),
    outputs: tests.map((t) => t.output),
    fn_name: functional && typeof fn === "string" ? fn : null,
  };
}

export async function labelLiveCodeBench(
  requests: readonly LabelRequest[],
  problems: ReadonlyMap<string, Problem>,
  options: LiveCodeBenchLabelOptions,
): Promise<Label[]> {
  const timeout = options.timeout ?? 6;
  const byTask = new Map<string, LabelRequest[]>();
  for (const r of requests) {
    if (!problems.has(r.task_id)) throw new CodermError("E_NO_GROUND_TRUTH", "unknown task", r.task_id);
    const list = byTask.get(r.task_id);
    if (list) list.push(r);
    else byTask.set(r.task_id, [r]);
  }
  type O = { passed: boolean; note: string | null };
  const toLabel = (r: LabelRequest, o: O): Label => ({
    task_id: r.task_id,
    index: r.index,
    base_status: o.passed ? "pass" : "fail",
    correct: o.passed,
    ...(o.note ? { details: o.note } : {}),
  });
  const out = await runPrograms<O>(
    [...byTask].map(([taskId, list]) => {
      const tests = liveCodeBenchTests(problems.get(taskId) as Problem);
      return {
        key: taskId,
        programs: list.map((r) => r.solution),
        // LiveCodeBench's global timeout: (timeout + 1) per test + 5 s.
        secondsPerProgram: (timeout + 1) * tests.inputs.length + 5,
        job: (programs: string[]) => ({ op: "lcb_check", programs, ...tests, timeout }),
        onKilled: () => ({ passed: false, note: "global timeout" }),
        noProgram: () => ({ passed: false, note: "no program" }),
        onDone: async (outcomes: O[]) => {
          await options.onLabels?.(list.map((r, i) => toLabel(r, outcomes[i] as O)));
        },
      };
    }),
    options.executor,
    { batchSize: options.batchSize ?? 8 },
  );
  const pos = new Map<string, number>();
  return requests.map((r) => {
    const k = pos.get(r.task_id) ?? 0;
    pos.set(r.task_id, k + 1);
    return toLabel(r, out.get(r.task_id)?.[k] as O);
  });
}
