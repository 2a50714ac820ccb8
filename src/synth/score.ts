/**
 * Scores of the kept tests and the filters on them. FAR/FRR/Acc/F1 are the paper's (Appendix D, the
 * project's `testQuality`): per test, the "individual" numbers on its own column of the weak solutions'
 * pass matrix; per question and overall, both the individual and the "multiple" numbers. The mutation score
 * of a test is the share of the ground truth's mutants it kills, among the mutants not estimated
 * equivalent. Undefined ratios (0/0) are null and never fail a filter; they are counted in the report.
 */
import { type QualityReport, testQuality } from "../evaluate/metrics/index.js";
import { keepColumns } from "../matrix/pairs.js";
import type { PassMatrix } from "../matrix/pass-matrix.js";

export interface Filters {
  minMutationScore?: number;
  maxFar?: number;
  maxFrr?: number;
  topK?: number;
}

export interface TestScore {
  task_id: string;
  /** The test's index among the question's generated tests. */
  test: number;
  far: number | null;
  frr: number | null;
  acc: number | null;
  f1: number | null;
  counts: { tp: number; fp: number; tn: number; fn: number };
  mutants: number;
  killed: number;
  /** Mutants estimated equivalent (excluded from the score's denominator). */
  equivalent: number;
  mutation_score: number | null;
  lines: number;
  chars: number;
  /** True when every filter let the test through (it is exported). */
  selected: boolean;
  /** The first filter that removed it. */
  filtered?: string;
}

export const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

/** Individual metrics of one column (test `column` of `m`, solutions labelled by `labels`). */
export function columnQuality(m: PassMatrix, column: number, labels: readonly boolean[]): QualityReport {
  const one = new Map([["q", keepColumns(m, [column])]]);
  return testQuality({ matrices: one, labels: new Map([["q", labels]]) }).individual;
}

export interface MutationTally {
  mutants: number;
  killed: number;
  equivalent: number;
}

export function mutationScore(t: MutationTally): number | null {
  const live = t.mutants - t.equivalent;
  return live > 0 ? t.killed / live : null;
}

/** Apply the filters in order (mutation score, FAR, FRR, then top-k per question); marks `selected`. */
export function applyFilters(scores: TestScore[], f: Filters): void {
  const byTask = new Map<string, TestScore[]>();
  for (const s of scores) {
    s.selected = true;
    delete s.filtered;
    const fail = (why: string) => {
      s.selected = false;
      s.filtered = why;
    };
    if (
      f.minMutationScore !== undefined &&
      s.mutation_score !== null &&
      s.mutation_score < f.minMutationScore
    )
      fail(`mutation score ${s.mutation_score.toFixed(3)} < ${f.minMutationScore}`);
    else if (f.maxFar !== undefined && s.far !== null && s.far > f.maxFar)
      fail(`FAR ${s.far.toFixed(3)} > ${f.maxFar}`);
    else if (f.maxFrr !== undefined && s.frr !== null && s.frr > f.maxFrr)
      fail(`FRR ${s.frr.toFixed(3)} > ${f.maxFrr}`);
    if (s.selected) byTask.set(s.task_id, [...(byTask.get(s.task_id) ?? []), s]);
  }
  if (f.topK === undefined) return;
  const rank = (x: number | null, dir: 1 | -1) => (x === null ? Number.POSITIVE_INFINITY : dir * x);
  for (const list of byTask.values()) {
    const order = [...list].sort(
      (a, b) =>
        rank(a.mutation_score, -1) - rank(b.mutation_score, -1) ||
        rank(a.far, 1) - rank(b.far, 1) ||
        rank(a.frr, 1) - rank(b.frr, 1) ||
        a.test - b.test,
    );
    order.slice(f.topK).forEach((s, i) => {
      s.selected = false;
      s.filtered = `not in the top ${f.topK} of its question (rank ${f.topK! + i + 1})`;
    });
  }
}
