import { describe, expect, it } from "vitest";
import { PassMatrix } from "../../matrix/pass-matrix.js";
import { codermVote, codet } from "../../select/index.js";
import { codetPassAtK, credit, meanPassAtK, passAtK, vanilla } from "./index.js";

function binom(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}

describe("passAtK", () => {
  it("equals 1 − C(n−c,k)/C(n,k) on small cases", () => {
    for (const [n, c, k] of [
      [10, 3, 1],
      [10, 3, 2],
      [10, 3, 5],
      [20, 1, 10],
      [5, 0, 3],
      [7, 7, 1],
    ] as const) {
      expect(passAtK(n, c, k)).toBeCloseTo(1 - binom(n - c, k) / binom(n, k), 12);
    }
    expect(passAtK(10, 3, 1)).toBeCloseTo(0.3, 15);
    expect(passAtK(10, 8, 5)).toBe(1); // fewer than k wrong samples
    expect(passAtK(5, 0, 5)).toBe(0);
  });

  it("stays finite where binomials overflow", () => {
    const v = passAtK(2000, 3, 1000);
    expect(v).toBeGreaterThan(0.87);
    expect(v).toBeLessThan(0.88); // 1 − (1/2)^3 ≈ 0.875
  });

  it("rejects impossible arguments", () => {
    expect(() => passAtK(5, 6, 1)).toThrow(/c ≤ n/);
    expect(() => passAtK(5, 1, 0)).toThrow();
    expect(() => passAtK(3, 1, 4)).toThrow(/at least 4/);
  });

  it("meanPassAtK averages problems", () => {
    const labels = new Map([
      ["a", [true, false, false, false]],
      ["b", [true, true, false, false]],
    ]);
    expect(meanPassAtK(labels, 1)).toBeCloseTo(0.375, 15);
    expect(meanPassAtK(labels, 2)).toBeCloseTo((0.5 + 5 / 6) / 2, 15);
  });
});

describe("vanilla", () => {
  it("is the mean over problems of correct share", () => {
    expect(vanilla([[true, false], [true, true, true, false], []])).toBeCloseTo((0.5 + 0.75 + 0) / 3, 15);
    expect(vanilla(new Map([["x", [false, false]]]))).toBe(0);
    expect(Number.isNaN(vanilla([]))).toBe(true);
  });
});

describe("credit", () => {
  it("is the correct share of the chosen set", () => {
    const m = PassMatrix.fromRows([
      [1, 1],
      [1, 1],
      [1, 0],
      [1, 1],
    ]);
    const r = codermVote(m);
    expect(r.chosen).toEqual([0, 1, 3]);
    expect(credit(r, [true, false, true, true])).toBeCloseTo(2 / 3, 15);
    expect(credit(r, [true])).toBeCloseTo(1 / 3, 15); // unlabelled ids count as incorrect
    expect(credit({ chosen: [] }, [true])).toBe(0);
  });
});

describe("codetPassAtK", () => {
  // Sets: {0,1} by ids 0,1 (score 2·√2); {0} by ids 2,3,4,5 (score 1·2 = 2); nothing: id 6.
  const m = PassMatrix.fromRows([
    [1, 1],
    [1, 1],
    [1, 0],
    [1, 0],
    [1, 0],
    [1, 0],
    [0, 0],
  ]);
  const labels = [false, true, true, false, false, false, true];

  it("picks one per top group, extra picks round-robin from the top", () => {
    const r = codet(m);
    expect(codetPassAtK(r, labels, 1)).toBeCloseTo(0.5, 15);
    // k = 2: one from each group: 1 − (1/2)(3/4).
    expect(codetPassAtK(r, labels, 2)).toBeCloseTo(1 - 0.5 * 0.75, 15);
    // k = 3 with 2 groups: two picks from the top group, one from the next: 1 − (1/2)²(3/4).
    expect(codetPassAtK(r, labels, 3)).toBeCloseTo(1 - 0.25 * 0.75, 15);
  });

  it("falls back to random pass@k when nobody passes anything", () => {
    const none = codet(PassMatrix.fromRows([[0], [0], [0], [0]]));
    expect(codetPassAtK(none, [true, false, false, false], 2)).toBeCloseTo(0.5, 15);
    expect(codetPassAtK(none, [true, false, false, false], 9)).toBe(1); // k capped at 4 samples
    expect(codetPassAtK(none, [false, false, false, false], 9)).toBe(0);
  });
});
