/**
 * CodeT's own pipeline pieces (microsoft/CodeT `src/_execution.py`, `src/agreement.py`,
 * `src/evaluation.py`), for reproducing its numbers exactly: dual execution of each distinct solution
 * against the task's distinct assert cases (0.1 s per case), consensus sets over case *occurrences*
 * (a case or solution sampled twice counts twice), scores |cases| x sqrt(|solutions|), and pass@k over
 * the ranked sets. Execution goes to the judge-side `labels` kind (`codet_cases`, harness/coderm_labels/codet.py).
 */
import { groupsPassAtK } from "../metrics/codet-pass-at-k.js";
import { codetEstimatePassAtK } from "../metrics/pass-at-k.js";
import type { LabelExecutor } from "./executor.js";
import { runPrograms } from "./programs.js";

/** Per distinct solution text: per-case booleans, or the failure string CodeT records. */
export type CaseRun = boolean[] | string;

/** Run each distinct program prefix (prompt + completion) against the same distinct cases. */
export async function runCodetCases(
  tasks: ReadonlyArray<{ key: string; programs: ReadonlyArray<string>; cases: ReadonlyArray<string> }>,
  options: {
    executor: LabelExecutor;
    timeout?: number;
    /** "cpu": each case's limit counts CPU time; the whole run's wall budget is stretched 10x. */
    clock?: "wall" | "cpu";
    batchSize?: number;
    onDone?: (key: string) => void;
  },
): Promise<Map<string, CaseRun[]>> {
  const timeout = options.timeout ?? 0.1;
  const clock = options.clock ?? "wall";
  const wallFactor = clock === "cpu" ? 10 : 1;
  return runPrograms<CaseRun>(
    tasks
      .filter((t) => t.cases.length > 0)
      .map((t) => ({
        key: t.key,
        programs: t.programs,
        // CodeT joins its process at timeout x cases + 0.1 s.
        secondsPerProgram: (timeout * t.cases.length + 0.1) * wallFactor + 1,
        job: (programs) => ({
          op: "codet_cases",
          programs,
          cases: t.cases,
          timeout,
          clock,
          wall_factor: wallFactor,
        }),
        parse: (raw) => (raw as { result: CaseRun }).result,
        onKilled: () => "timed out",
        noProgram: () => "failed: no program",
        onDone: () => options.onDone?.(t.key),
      })),
    options.executor,
    { batchSize: options.batchSize ?? 8, slackSeconds: 3 },
  );
}

export interface CodetTask {
  /** Every sampled completion in sample order (duplicates kept: they weigh in consensus sets). */
  completions: string[];
  /** Every test sample's cases after CodeT's extraction and per-sample limit, in sample order. */
  caseSamples: string[][];
  /** The distinct cases in the order they were executed (indexes of each run's booleans). */
  caseOrder: string[];
  /** Dual execution result per distinct completion. */
  runs: Map<string, CaseRun>;
}

/** One consensus set: the completions (with multiplicity) that passed exactly the same cases. */
export interface ConsensusSet {
  completions: string[];
  score: number;
}

/**
 * CodeT's `DataManager` + `DualAgreement.get_sorted_solutions_without_iter`: consensus sets sorted by
 * score, best first. A solution that passed no case belongs to no set.
 */
export function codetRank(task: CodetTask): ConsensusSet[] {
  const solFreq = new Map<string, number>();
  for (const c of task.completions) solFreq.set(c, (solFreq.get(c) ?? 0) + 1);
  const caseFreq = new Map<string, number>();
  for (const cs of task.caseSamples) for (const c of cs) caseFreq.set(c, (caseFreq.get(c) ?? 0) + 1);
  // Passed (solution, case) pairs over distinct texts.
  const passedCases = new Map<string, string[]>();
  const passedCaseSet = new Set<string>();
  for (const [completion, run] of task.runs) {
    if (!Array.isArray(run) || run.length === 0 || !solFreq.has(completion)) continue;
    const list: string[] = [];
    run.forEach((ok, i) => {
      const c = task.caseOrder[i];
      if (ok && c !== undefined && caseFreq.has(c)) list.push(c);
    });
    if (list.length > 0) {
      passedCases.set(completion, list);
      for (const c of list) passedCaseSet.add(c);
    }
  }
  // Case ids: consecutive ranges per distinct case in first-appearance order, sized by frequency.
  const caseIds = new Map<string, number[]>();
  let next = 0;
  for (const [c, f] of caseFreq) {
    if (!passedCaseSet.has(c)) continue;
    caseIds.set(
      c,
      Array.from({ length: f }, (_, k) => next + k),
    );
    next += f;
  }
  // Group distinct completions by their passed case-id set (sorted), each weighted by frequency.
  const groups = new Map<string, { completions: string[]; cases: number }>();
  for (const [completion, list] of passedCases) {
    const ids = list.flatMap((c) => caseIds.get(c) ?? []).sort((a, b) => a - b);
    const key = ids.join(",");
    const g = groups.get(key) ?? { completions: [], cases: ids.length };
    groups.set(key, g);
    const f = solFreq.get(completion) ?? 0;
    for (let k = 0; k < f; k++) g.completions.push(completion);
  }
  const sets = [...groups.values()].map((g) => ({
    completions: g.completions,
    score: g.cases * Math.sqrt(g.completions.length),
  }));
  // Stable descending sort, like Python's sorted(reverse=True) (equal scores are merged later anyway).
  return sets.sort((a, b) => b.score - a.score);
}

/** Unbiased pass@k estimator (human-eval / CodeT `_estimate_pass_at_k`); lives with the other pass@k rules. */
export const estimatePassAtK = codetEstimatePassAtK;

/**
 * CodeT's `get_result_of_sorted_solutions` for one task: equal-score sets merge; with at least k groups
 * one pick from each of the top k, otherwise extra picks round-robin from the top. Tasks with no ranked
 * set fall back to the random pass@k over all samples.
 */
export function codetTaskPassAtK(
  ranked: ConsensusSet[],
  correct: ReadonlyMap<string, boolean>,
  allSamples: readonly string[],
  k: number,
): number {
  if (ranked.length === 0) {
    const c = allSamples.filter((s) => correct.get(s) === true).length;
    return estimatePassAtK(allSamples.length, c, k);
  }
  const merged: string[][] = [];
  let last = Number.NaN;
  for (const s of ranked) {
    if (s.score === last) (merged[merged.length - 1] as string[]).push(...s.completions);
    else {
      merged.push([...s.completions]);
      last = s.score;
    }
  }
  return groupsPassAtK(
    merged.map((sols) => ({ size: sols.length, right: sols.filter((s) => correct.get(s) === true).length })),
    k,
  );
}
