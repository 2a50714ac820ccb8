/**
 * EvalPlus-compatible labels for HumanEval+ and MBPP+ (evalplus `check_correctness`): each solution is run
 * on the base inputs and on the plus inputs in the sandbox; a set passes when every output matches the
 * canonical solution's (special oracles, float tolerance and EvalPlus's type rules apply: see labels.py)
 * within max(min limit, factor x reference time) per input. `correct` is EvalPlus's plus verdict: base and
 * plus both pass (what its `humaneval+`/`mbpp+` pass@k counts).
 */
import { CodermError } from "../../errors.js";
import { programKey } from "../../extract/program-key.js";
import { initPython } from "../../extract/python-parser.js";
import type { Label } from "../../records.js";
import type { LabelExecutor } from "./executor.js";
import { EVALPLUS_KIND, type GroundTruth, truthRef } from "./ground-truth.js";
import { type ProgramRun, runPrograms } from "./programs.js";

export const DEFAULT_MIN_TIME_LIMIT = 4.0;
export const DEFAULT_GT_TIME_LIMIT_FACTOR = 4.0;

export interface SetResult {
  status: "pass" | "fail" | "timeout";
  /** Inputs tried (the failing one is the last). */
  progress: number;
  passed: number;
  total: number;
  /** Seconds of the per-input time limit the last input ran into, when that is how the set failed. */
  limit_hit?: number;
  /** Index (in EvalPlus's order) of the first input that failed. */
  failed_at?: number;
  /** The inputs ran cheapest first (a stateless program without `details`); the status is the same. */
  reordered?: boolean;
}

export interface EvalPlusOutcome {
  base: SetResult;
  plus?: SetResult;
}

export interface EvalPlusLabelOptions {
  executor: LabelExecutor;
  minTimeLimit?: number;
  gtTimeLimitFactor?: number;
  /** Run every input instead of stopping at the first failure (EvalPlus `--test-details`). */
  details?: boolean;
  baseOnly?: boolean;
  /** Programs per sandbox job (default 16). */
  batchSize?: number;
  /**
   * What the per-input limits count: "wall" (default) = elapsed time, as EvalPlus measures it; "cpu" = the
   * program's CPU time (a deliberate difference: a busy machine then does not turn slow passes into timeouts).
   */
  clock?: "wall" | "cpu";
  /** Run inputs in EvalPlus's order even for stateless programs (default false: cheapest first). */
  evalplusOrder?: boolean;
  /** Run every distinct text, even ones that differ only in comments and layout (default false). */
  noDedupe?: boolean;
  /**
   * Tasks without ground truth and why (their canonical solution failed): their samples get a label with
   * `error` and no run; without an entry here a task missing from `truth` is an error.
   */
  truthErrors?: ReadonlyMap<string, string>;
  /** Called as each task's batch completes. */
  onLabels?: (labels: Label[]) => void | Promise<void>;
  /** Called with the raw outcomes as each task completes (statuses, progress, limits hit). */
  onOutcomes?: (requests: readonly LabelRequest[], outcomes: readonly EvalPlusOutcome[]) => void;
}

/** What one solution needs: its task's ground truth and its program text (null = no program). */
export interface LabelRequest {
  task_id: string;
  index: number;
  solution: string | null;
}

function describe(name: string, r: SetResult): string | undefined {
  if (r.status === "pass") return undefined;
  if (r.status === "timeout") return `${name}: timeout`;
  const at = r.failed_at ?? r.progress - 1;
  if (r.limit_hit !== undefined) return `${name}: input ${at} ran into its ${r.limit_hit.toFixed(1)} s limit`;
  return r.progress === 0 ? `${name}: program failed before any input` : `${name}: failed on input ${at}`;
}

/** Turn one EvalPlus outcome into a label. */
export function toLabel(req: { task_id: string; index: number }, o: EvalPlusOutcome): Label {
  const base_status = o.base.status === "pass" ? "pass" : "fail";
  const plus_status = o.plus ? (o.plus.status === "pass" ? "pass" : "fail") : undefined;
  const details = [describe("base", o.base), o.plus ? describe("plus", o.plus) : undefined].filter(Boolean);
  const label: Label = {
    task_id: req.task_id,
    index: req.index,
    base_status,
    correct: base_status === "pass" && (plus_status === undefined || plus_status === "pass"),
  };
  if (plus_status !== undefined) label.plus_status = plus_status;
  if (details.length > 0) label.details = details.join("; ");
  return label;
}

/** The label of a sample whose task has no ground truth: no verdict, the reason in `error`. */
function errorLabel(req: { task_id: string; index: number }, error: string, baseOnly: boolean): Label {
  return {
    task_id: req.task_id,
    index: req.index,
    base_status: "fail",
    ...(baseOnly ? {} : { plus_status: "fail" as const }),
    correct: false,
    details: `no verdict: ${error}`,
    error,
  };
}

/** Worst-case seconds EvalPlus would give one program on one set (its process join timeout). */
function setBudget(
  g: GroundTruth,
  set: "base" | "plus",
  minLimit: number,
  factor: number,
  details: boolean,
  wallFactor: number,
): number {
  // Reference times are only known in aggregate here; the per-input max(min, factor*t) sum is bounded
  // below by count*min, and the reference caps the process at 60 s anyway.
  const sum = Math.max(g.count[set] * minLimit, factor * g.seconds[set]);
  return (Math.min(60, sum) + (details ? 3 : 2)) * wallFactor;
}

interface RunKnobs {
  minLimit: number;
  factor: number;
  details: boolean;
  sets: Array<"base" | "plus">;
  clock: "wall" | "cpu";
  wallFactor: number;
}

/** One task's programs as one executor run: budget, job shape, and what a kill or a missing program means. */
function taskRun(
  taskId: string,
  list: LabelRequest[],
  g: GroundTruth,
  options: EvalPlusLabelOptions,
  { minLimit, factor, details, sets, clock, wallFactor }: RunKnobs,
): ProgramRun<EvalPlusOutcome> {
  const perProgram = sets.reduce((s, set) => s + setBudget(g, set, minLimit, factor, details, wallFactor), 0);
  return {
    key: taskId,
    programs: list.map((r) => r.solution),
    secondsPerProgram: perProgram,
    ...(options.noDedupe ? {} : { identity: programKey }),
    // A passing program costs about what the canonical solution took on every input.
    expectedSeconds: sets.reduce((s, set) => s + g.seconds[set], 0) + 0.002,
    job: (programs) => ({
      kind: EVALPLUS_KIND,
      op: "evalplus_check",
      // Read per job: inline ground truth (isolated sandbox) is not held in memory for every task at once.
      ...truthRef(g, options.executor),
      programs,
      min_time_limit: minLimit,
      gt_time_limit_factor: factor,
      details,
      base_only: options.baseOnly ?? false,
      clock,
      wall_factor: wallFactor,
      evalplus_order: options.evalplusOrder ?? false,
    }),
    onKilled: (why) => {
      const r: SetResult = { status: "timeout", progress: 0, passed: 0, total: 0 };
      void why;
      return { base: r, ...(options.baseOnly ? {} : { plus: r }) };
    },
    noProgram: () => {
      const r: SetResult = { status: "fail", progress: 0, passed: 0, total: 0 };
      return { base: r, ...(options.baseOnly ? {} : { plus: r }) };
    },
    onDone: async (outcomes) => {
      options.onOutcomes?.(list, outcomes);
      await options.onLabels?.(list.map((r, i) => toLabel(r, outcomes[i] as EvalPlusOutcome)));
    },
  };
}

/**
 * Label solutions against prepared ground truth. Identical programs of a task run once. Returns labels
 * in request order.
 */
export async function labelEvalPlus(
  requests: readonly LabelRequest[],
  truth: ReadonlyMap<string, GroundTruth>,
  options: EvalPlusLabelOptions,
): Promise<Label[]> {
  const minLimit = options.minTimeLimit ?? DEFAULT_MIN_TIME_LIMIT;
  const factor = options.gtTimeLimitFactor ?? DEFAULT_GT_TIME_LIMIT_FACTOR;
  const details = options.details ?? false;
  const sets: Array<"base" | "plus"> = options.baseOnly ? ["base"] : ["base", "plus"];
  const clock = options.clock ?? "wall";
  // With CPU-time limits, wall time only backs them up: a loaded machine may take 10x longer.
  const wallFactor = clock === "cpu" ? 10 : 1;
  if (!options.noDedupe) await initPython();
  const errors = options.truthErrors ?? new Map<string, string>();
  for (const r of requests) {
    if (!truth.has(r.task_id) && !errors.has(r.task_id))
      throw new CodermError("E_NO_GROUND_TRUTH", "no ground truth for task", r.task_id);
  }
  const runs: ProgramRun<EvalPlusOutcome>[] = [];
  const byTask = new Map<string, LabelRequest[]>();
  const unlabelled = new Map<string, Label[]>();
  for (const r of requests) {
    const error = truth.has(r.task_id) ? undefined : errors.get(r.task_id);
    if (error !== undefined) {
      const l = errorLabel(r, error, options.baseOnly ?? false);
      unlabelled.set(r.task_id, [...(unlabelled.get(r.task_id) ?? []), l]);
      continue;
    }
    const list = byTask.get(r.task_id);
    if (list) list.push(r);
    else byTask.set(r.task_id, [r]);
  }
  const knobs: RunKnobs = { minLimit, factor, details, sets, clock, wallFactor };
  for (const [taskId, list] of byTask) {
    runs.push(taskRun(taskId, list, truth.get(taskId) as GroundTruth, options, knobs));
  }
  for (const ls of unlabelled.values()) await options.onLabels?.(ls);
  const results = await runPrograms(runs, options.executor, { batchSize: options.batchSize ?? 16 });
  const out: Label[] = [];
  const pos = new Map<string, number>();
  for (const r of requests) {
    const error = truth.has(r.task_id) ? undefined : errors.get(r.task_id);
    if (error !== undefined) {
      out.push(errorLabel(r, error, options.baseOnly ?? false));
      continue;
    }
    const k = pos.get(r.task_id) ?? 0;
    pos.set(r.task_id, k + 1);
    out.push(toLabel(r, results.get(r.task_id)?.[k] as EvalPlusOutcome));
  }
  return out;
}
