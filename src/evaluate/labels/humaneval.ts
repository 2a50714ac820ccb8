/**
 * Plain HumanEval labels (openai/human-eval `check_correctness`, also CodeT's ground truth): the program is
 * solution + "\n" + test + "\n" + `check(entry_point)`, executed under one time limit; it passes when it
 * raises nothing. human-eval's default limit is 3 s; CodeT uses 0.1 s.
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

/** The program human-eval executes for one solution. */
export function checkProgram(
  solution: string,
  problem: Pick<Problem, "test" | "entry_point" | "task_id">,
): string {
  if (problem.test === undefined)
    throw new CodermError("E_NO_GROUND_TRUTH", "problem has no test", problem.task_id);
  return `${solution}\n${problem.test}\ncheck(${problem.entry_point})`;
}

/** Run complete programs (already joined with their tests) with `program_check`; outcomes in order. */
export async function checkPrograms(
  runs: ReadonlyArray<{ key: string; programs: ReadonlyArray<string | null> }>,
  options: {
    executor: LabelExecutor;
    timeout?: number;
    /** "cpu": the limit counts the program's CPU time, wall time only bounds it at 10 s more (see labels.py). */
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
      programs: r.programs,
      // The reference joins its process at timeout + 1 s.
      secondsPerProgram: timeout + grace,
      job: (programs) => ({ op: "program_check", programs, timeout, clock, grace }),
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
  const runs = [...byTask].map(([taskId, list]) => {
    const p = problems.get(taskId) as Problem;
    return {
      key: taskId,
      programs: list.map((r) => (r.solution === null ? null : checkProgram(r.solution, p))),
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
