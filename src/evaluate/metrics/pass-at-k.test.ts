import { describe, expect, it } from "vitest";
import { PassMatrix } from "../../matrix/pass-matrix.js";
import { codermVote } from "../../select/index.js";
import { credit, meanPassAtK, passAtK, vanilla } from "./index.js";

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
