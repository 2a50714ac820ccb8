/**
 * Ground truth inside a run: EvalPlus semantics for HumanEval+/MBPP+, `check(candidate)` for HumanEval and
 * for problem files that carry a HumanEval-style `test`. Labels are appended to the run's file as each
 * task finishes, so a kill keeps them and a rerun labels only the rest.
 */
import { createHash } from "node:crypto";
import { appendFileSync, existsSync } from "node:fs";
import {
  type LabelExecutor,
  labelEvalPlus,
  labelHumanEval,
  loadGroundTruth,
} from "../evaluate/labels/index.js";
import { readJsonl } from "../io/jsonl.js";
import { type Benchmark, type Label, LabelSchema, type Problem, type SolutionSample } from "../records.js";
import { Sandbox } from "../sandbox/index.js";

type Kind = "evalplus" | "check" | undefined;

function kindOf(problems: readonly Problem[], benchmark: Benchmark | undefined): Kind {
  if (benchmark === "humaneval+" || benchmark === "mbpp+") return "evalplus";
  if (problems.length > 0 && problems.every((p) => p.test?.includes("def check(") && p.entry_point))
    return "check";
  return undefined;
}

export function hasGroundTruth(problems: readonly Problem[], benchmark: Benchmark | undefined): boolean {
  return kindOf(problems, benchmark) !== undefined;
}

export interface LabelStageOptions {
  problems: Problem[];
  solutions: SolutionSample[];
  benchmark: Benchmark | undefined;
  codet: boolean;
  /** Labels JSONL: read for resume, appended to as tasks finish. */
  file: string;
  workers?: number;
  onProgress?: (done: number, total: number) => void;
}

export async function labelStage(o: LabelStageOptions): Promise<Label[]> {
  const kind = kindOf(o.problems, o.benchmark);
  const labels = existsSync(o.file) ? (await readJsonl(o.file, LabelSchema)).records : [];
  const done = new Set(labels.map((l) => `${l.task_id}\u0000${l.index}`));
  const todo = o.solutions.filter((s) => !done.has(`${s.task_id}\u0000${s.index}`));
  if (todo.length === 0 || kind === undefined) return labels;
  // Candidate programs are untrusted: they run in the same isolated workers as the pairs.
  const executor: LabelExecutor = (await Sandbox.start({ workers: o.workers })).executor("labels");
  const write = (batch: Label[]) => {
    appendFileSync(o.file, batch.map((l) => `${JSON.stringify(l)}\n`).join(""));
    labels.push(...batch);
    o.onProgress?.(labels.length, o.solutions.length);
  };
  try {
    if (kind === "check") {
      await labelHumanEval(todo, new Map(o.problems.map((p) => [p.task_id, p])), {
        executor,
        onLabels: write,
      });
    } else {
      const needed = new Set(todo.map((s) => s.task_id));
      const subset = o.problems.filter((p) => needed.has(p.task_id));
      const benchmark = o.benchmark as "humaneval+" | "mbpp+";
      // Expected outputs are cached across runs, keyed by the problems' content.
      const hash = createHash("md5")
        .update(
          JSON.stringify(
            subset.map((p) => [p.task_id, p.canonical_solution, p.base_input_json, p.plus_input_json]),
          ),
        )
        .digest("hex");
      const truth = await loadGroundTruth(subset, benchmark, { executor, hash });
      await labelEvalPlus(todo, truth, { executor, onLabels: write });
    }
  } finally {
    await executor.close();
  }
  return labels;
}
