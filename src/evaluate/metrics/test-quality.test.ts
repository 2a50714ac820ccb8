import { describe, expect, it } from "vitest";
import { PassMatrix } from "../../matrix/pass-matrix.js";
import { qualityMetrics, testQuality } from "./index.js";

const rowsOf = (...rows: number[][]) => PassMatrix.fromRows(rows);

describe("qualityMetrics", () => {
  it("computes the paper's and the standard rates", () => {
    const q = qualityMetrics({ tp: 6, fp: 2, tn: 9, fn: 3 });
    expect(q.acc).toBeCloseTo(15 / 20, 15);
    expect(q.precision).toBeCloseTo(6 / 8, 15);
    expect(q.recall).toBeCloseTo(6 / 9, 15);
    expect(q.f1).toBeCloseTo((2 * (6 / 8) * (6 / 9)) / (6 / 8 + 6 / 9), 15);
    expect(q.far).toBeCloseTo(2 / 8, 15); // FP/(FP+TP)
    expect(q.frr).toBeCloseTo(3 / 12, 15); // FN/(FN+TN)
    expect(q.fpr).toBeCloseTo(2 / 11, 15); // FP/(FP+TN)
    expect(q.fnr).toBeCloseTo(3 / 9, 15); // FN/(FN+TP)
    expect(Number.isNaN(qualityMetrics({ tp: 0, fp: 0, tn: 4, fn: 0 }).precision)).toBe(true);
  });
});

describe("testQuality", () => {
  // Problem a: solutions 0,1 correct; tests 0..2. Problem b: all fail everything.
  const matrices = new Map([
    [
      "a",
      rowsOf(
        [1, 1, 0], // correct
        [1, 0, 1], // correct
        [1, 1, 1], // wrong
        [0, 0, 0], // wrong
      ),
    ],
    ["b", rowsOf([0, 0], [0, 0])],
  ]);
  const labels = new Map([
    ["a", [true, true, false, false]],
    ["b", [true, false]],
  ]);

  it("individual: each (test, solution) pair is a classification, counts summed (micro)", () => {
    const q = testQuality({ matrices, labels }).individual;
    // a: correct passes 2+2 of 6 → TP 4, FN 2; wrong passes 3+0 of 6 → FP 3, TN 3.
    // b: correct 0 of 2 → FN 2; wrong 0 of 2 → TN 2.
    expect(q.counts).toEqual({ tp: 4, fn: 4, fp: 3, tn: 5 });
    expect(q.acc).toBeCloseTo(9 / 16, 15);
    expect(q.far).toBeCloseTo(3 / 7, 15);
    expect(q.frr).toBeCloseTo(4 / 9, 15);
    expect(q.problems).toBe(2);
    // Macro: precision defined only on a (4/7); acc a = 7/12, b = 2/4.
    expect(q.macro.precision).toBeCloseTo(4 / 7, 15);
    expect(q.macro.acc).toBeCloseTo((7 / 12 + 0.5) / 2, 15);
  });

  it("multiple: top-passing solutions are positive, all tied when nobody passes", () => {
    const q = testQuality({ matrices, labels }).multiple;
    // a: top is solution 2 (3 passes, wrong) → FP 1; 0,1 correct negatives → FN 2; 3 → TN 1.
    // b: all tie at 0 → both positive: TP 1, FP 1.
    expect(q.counts).toEqual({ tp: 1, fp: 2, fn: 2, tn: 1 });
    expect(q.far).toBeCloseTo(2 / 3, 15);
    expect(q.frr).toBeCloseTo(2 / 3, 15);
    expect(q.fpr).toBeCloseTo(2 / 3, 15);
  });

  it("limits solutions and tests, treating missing results as fails", () => {
    const m = new PassMatrix(2, 3);
    m.set(0, 0, true);
    m.set(0, 2, true);
    m.set(1, 1, true); // other cells missing
    const q = testQuality({
      matrices: new Map([["x", m]]),
      labels: new Map([["x", [true, false, true]]]),
      tests: 2,
    });
    // Tests 0,1 only. sol0 correct passes 1 → TP1 FN1; sol1 wrong passes 1 → FP1 TN1; sol2 (no row) FN2.
    expect(q.individual.counts).toEqual({ tp: 1, fn: 3, fp: 1, tn: 1 });
    // Multiple: sol0 and sol1 tie at 1 → positive; sol2 negative.
    expect(q.multiple.counts).toEqual({ tp: 1, fp: 1, fn: 1, tn: 0 });
    const first = testQuality({
      matrices: new Map([["x", m]]),
      labels: new Map([["x", [true, false]]]),
      solutions: 1,
    });
    expect(first.individual.counts).toEqual({ tp: 2, fn: 1, fp: 0, tn: 0 });
  });

  it("needs labels for every matrix", () => {
    expect(() => testQuality({ matrices, labels: new Map() })).toThrow(/labels/);
  });
});
