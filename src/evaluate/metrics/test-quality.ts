/**
 * Unit-test quality (paper Appendix D): how well generated tests separate correct from incorrect
 * solutions. "Individual": every (test, solution) pair is one classification, positive when the
 * solution passes the test. "Multiple": every solution is one classification, positive when it passes
 * the most tests among its problem's candidates (all tied top solutions are positive, so a problem where
 * nobody passes anything marks everyone positive).
 *
 * Aggregation is micro: confusion counts are summed over problems, then the ratios are taken. That is
 * what reproduces the paper's Table 2 — its four numbers per row (Acc, F1, FAR, FRR) are consistent with
 * one pooled confusion matrix (see paper-table2.test.ts), which a mean of per-problem ratios would
 * not be. Macro means (per-problem ratios averaged over problems where they are defined) are reported too.
 */
import { CodermError } from "../../errors.js";
import type { PassMatrix } from "../../matrix/pass-matrix.js";

export interface ConfusionCounts {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

/** Ratios of a confusion matrix; 0/0 is NaN. */
export interface QualityMetrics {
  acc: number;
  precision: number;
  recall: number;
  f1: number;
  /** Paper's FAR = FP / (FP + TP): the share of accepted solutions that are wrong (1 − precision). */
  far: number;
  /** Paper's FRR = FN / (FN + TN): the share of rejected solutions that are right. */
  frr: number;
  /** Standard false-positive rate FP / (FP + TN). */
  fpr: number;
  /** Standard false-negative rate FN / (FN + TP) (1 − recall). */
  fnr: number;
}

export interface QualityReport extends QualityMetrics {
  counts: ConfusionCounts;
  /** Mean over problems of each per-problem ratio (problems where it is 0/0 are skipped). */
  macro: QualityMetrics;
  problems: number;
}

export interface TestQuality {
  individual: QualityReport;
  multiple: QualityReport;
}

export interface TestQualityOptions {
  matrices: ReadonlyMap<string, PassMatrix>;
  labels: ReadonlyMap<string, ReadonlyArray<boolean>>;
  /** Use only solutions 0..n-1 (default: every labelled solution; rows past the matrix fail all tests). */
  solutions?: number;
  /** Use only tests 0..m-1 (default: all). */
  tests?: number;
}

export function qualityMetrics(c: ConfusionCounts): QualityMetrics {
  const { tp, fp, tn, fn } = c;
  const precision = tp / (tp + fp);
  const recall = tp / (tp + fn);
  return {
    acc: (tp + tn) / (tp + tn + fp + fn),
    precision,
    recall,
    f1: (2 * tp) / (2 * tp + fp + fn),
    far: fp / (fp + tp),
    frr: fn / (fn + tn),
    fpr: fp / (fp + tn),
    fnr: fn / (fn + tp),
  };
}

export function testQuality(opts: TestQualityOptions): TestQuality {
  const ind: ConfusionCounts[] = [];
  const mul: ConfusionCounts[] = [];
  for (const [taskId, m] of opts.matrices) {
    const correct = opts.labels.get(taskId);
    if (!correct) throw new CodermError("E_NO_GROUND_TRUTH", "pass matrix has no correctness labels", taskId);
    const S = Math.min(opts.solutions ?? correct.length, correct.length);
    const T = Math.min(opts.tests ?? m.tests, m.tests);
    const mask = firstBits(m.wordsPerRow, T);
    const passes = new Int32Array(S);
    for (let i = 0; i < S && i < m.solutions; i++) passes[i] = m.passCount(i, mask);
    const a: ConfusionCounts = { tp: 0, fp: 0, tn: 0, fn: 0 };
    let top = 0;
    for (let i = 0; i < S; i++) {
      const p = passes[i]!;
      top = Math.max(top, p);
      if (correct[i] === true) {
        a.tp += p;
        a.fn += T - p;
      } else {
        a.fp += p;
        a.tn += T - p;
      }
    }
    const b: ConfusionCounts = { tp: 0, fp: 0, tn: 0, fn: 0 };
    for (let i = 0; i < S; i++) {
      const positive = passes[i] === top;
      if (correct[i] === true) positive ? b.tp++ : b.fn++;
      else positive ? b.fp++ : b.tn++;
    }
    ind.push(a);
    mul.push(b);
  }
  return { individual: report(ind), multiple: report(mul) };
}

function report(perProblem: ConfusionCounts[]): QualityReport {
  const counts: ConfusionCounts = { tp: 0, fp: 0, tn: 0, fn: 0 };
  const sums = new Map<keyof QualityMetrics, [number, number]>();
  for (const c of perProblem) {
    counts.tp += c.tp;
    counts.fp += c.fp;
    counts.tn += c.tn;
    counts.fn += c.fn;
    for (const [k, v] of Object.entries(qualityMetrics(c)) as [keyof QualityMetrics, number][]) {
      const acc = sums.get(k) ?? [0, 0];
      if (!Number.isNaN(v)) sums.set(k, [acc[0] + v, acc[1] + 1]);
      else sums.set(k, acc);
    }
  }
  const micro = qualityMetrics(counts);
  const macro = { ...micro };
  for (const k of Object.keys(macro) as (keyof QualityMetrics)[]) {
    const [s, n] = sums.get(k) ?? [0, 0];
    macro[k] = n === 0 ? Number.NaN : s / n;
  }
  return { ...micro, counts, macro, problems: perProblem.length };
}

function firstBits(words: number, t: number): Uint32Array {
  const mask = new Uint32Array(words);
  for (let w = 0; w < words; w++) {
    const left = t - w * 32;
    mask[w] = left >= 32 ? 0xffffffff : left <= 0 ? 0 : (2 ** left - 1) >>> 0;
  }
  return mask;
}
