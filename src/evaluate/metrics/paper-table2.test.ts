/**
 * The paper's Table 2 (HumanEval+, Llama3.1-8B policy, CodeRM-8B tests) gives Acc, F1, FAR and FRR per
 * row. Acc, F1 and FAR fix a confusion matrix up to scale; we build real pass matrices with exactly those
 * (scaled, rounded) counts and check that `testQuality` then reproduces the paper's fourth number, FRR.
 * This only holds with the paper's FAR = FP/(FP+TP), FRR = FN/(FN+TN) and pooled (micro) counts.
 */
import { describe, expect, it } from "vitest";
import { PassMatrix } from "../../matrix/pass-matrix.js";
import { type ConfusionCounts, testQuality } from "./index.js";

/** Confusion shares (summing to 1) from Acc, F1 and the paper's FAR. */
function solveCounts(acc: number, f1: number, far: number): ConfusionCounts {
  // Acc = 1 − (FP+FN) and F1 = 2TP/(2TP+FP+FN) give TP; FAR gives FP from TP.
  const errors = 1 - acc;
  const tp = (errors * f1) / (2 * (1 - f1));
  const fp = (tp * far) / (1 - far);
  const fn = errors - fp;
  const tn = acc - tp;
  return { tp, fp, tn, fn };
}

const SCALE = 20000;
const scaled = (c: ConfusionCounts): ConfusionCounts => ({
  tp: Math.round(c.tp * SCALE),
  fp: Math.round(c.fp * SCALE),
  tn: Math.round(c.tn * SCALE),
  fn: Math.round(c.fn * SCALE),
});

/** One problem, one test: each solution's pass bit and label realise the individual counts. */
function individualProblem(c: ConfusionCounts) {
  const rows: number[][] = [];
  const labels: boolean[] = [];
  const add = (count: number, pass: number, correct: boolean) => {
    for (let i = 0; i < count; i++) {
      rows.push([pass]);
      labels.push(correct);
    }
  };
  add(c.tp, 1, true);
  add(c.fn, 0, true);
  add(c.fp, 1, false);
  add(c.tn, 0, false);
  return { matrices: new Map([["p", PassMatrix.fromRows(rows)]]), labels: new Map([["p", labels]]) };
}

/**
 * One problem, one test: the positives pass it (so they tie at the top), the negatives do not. The
 * same layout as the individual case, read through the "multiple" classifier.
 */
const multipleProblem = individualProblem;

describe("paper Table 2 (CodeRM-8B, HumanEval+)", () => {
  it("individual tests: Acc 69.64, F1 63.63, FAR 11.17 ⇒ FRR 38.55", () => {
    const c = scaled(solveCounts(0.6964, 0.6363, 0.1117));
    const q = testQuality(individualProblem(c)).individual;
    expect(q.counts).toEqual(c);
    expect(100 * q.acc).toBeCloseTo(69.64, 1);
    expect(100 * q.f1).toBeCloseTo(63.63, 1);
    expect(100 * q.far).toBeCloseTo(11.17, 1);
    expect(Math.abs(100 * q.frr - 38.55)).toBeLessThan(0.05);
    // The standard rates would not be the table's numbers.
    expect(Math.abs(100 * q.fpr - 11.17)).toBeGreaterThan(3);
    expect(Math.abs(100 * q.fnr - 38.55)).toBeGreaterThan(3);
  });

  it("multiple tests: Acc 80.46, F1 81.27, FAR 16.48 ⇒ FRR 22.71", () => {
    const c = scaled(solveCounts(0.8046, 0.8127, 0.1648));
    const q = testQuality(multipleProblem(c)).multiple;
    expect(q.counts).toEqual(c);
    expect(100 * q.acc).toBeCloseTo(80.46, 1);
    expect(Math.abs(100 * q.frr - 22.71)).toBeLessThan(0.05);
    expect(Math.abs(100 * q.fnr - 22.71)).toBeGreaterThan(1);
  });
});
