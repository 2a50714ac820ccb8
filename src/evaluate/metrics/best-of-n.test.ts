import { describe, expect, it } from "vitest";
import { PassMatrix } from "../../matrix/pass-matrix.js";
import { STRATEGIES, select } from "../../select/index.js";
import { Rng } from "../../util/rng.js";
import { bestOfN, credit, vanilla } from "./index.js";

const rowsOf = (...rows: number[][]) => PassMatrix.fromRows(rows);

describe("bestOfN, reference protocol", () => {
  it("with every test chosen the draw is deterministic", () => {
    const matrices = new Map([
      ["a", rowsOf([1, 1, 0], [1, 1, 0], [1, 0, 1], [0, 0, 0])],
      ["b", rowsOf([0, 0, 0], [0, 0, 0])],
    ]);
    const labels = new Map([
      ["a", [true, false, true, true]], // chosen {0,1} → 1/2
      ["b", [true, false]], // all fail → ids 0..3 tie (2 and 3 have no results, no labels) → 1/4
      ["c", [true, true, false, false]], // no matrix → all tie among 0..n-1
    ]);
    const r = bestOfN({ matrices, labels, n: 4, m: 3, samples: 5, seed: 1 });
    expect(r.problemCredits.get("a")).toBe(0.5);
    expect(r.problemCredits.get("b")).toBe(0.25);
    expect(r.problemCredits.get("c")).toBe(0.5);
    expect(r.mean).toBeCloseTo(1.25 / 3, 15);
    expect(Array.from(r.sampleMeans)).toEqual(new Array(5).fill(1.25 / 3));
  });

  it("counts solution ids past the matrix as failing and unlabelled ones as wrong", () => {
    const matrices = new Map([["b", rowsOf([0, 0], [0, 0])]]);
    const labels = new Map([["b", [true, true]]]);
    // n = 4: ids 2 and 3 have no results (tie with 0 and 1) and no labels (incorrect) → 2/4.
    const r = bestOfN({ matrices, labels, n: 4, m: 2, samples: 1 });
    expect(r.problemCredits.get("b")).toBe(0.5);
    expect(bestOfN({ matrices, labels, n: 2, m: 2, samples: 1 }).mean).toBe(1);
  });

  it("draws m of the tests per problem and averages over samples", () => {
    // m = 1: test 0 drawn → solution 0 (correct) wins; test 1 drawn → solution 1 (wrong) wins.
    const matrices = new Map([["p", rowsOf([1, 0], [0, 1])]]);
    const labels = new Map([["p", [true, false]]]);
    const r = bestOfN({ matrices, labels, n: 2, m: 1, samples: 4000, seed: 3 });
    expect(new Set(r.sampleMeans)).toEqual(new Set([0, 1]));
    expect(r.mean).toBeGreaterThan(0.46);
    expect(r.mean).toBeLessThan(0.54);
    // A pool of 4 ids over a 2-test matrix: half the draws pick a test with no results → tie → 1/2.
    const pooled = bestOfN({ matrices, labels, n: 2, m: 1, samples: 4000, seed: 3, testPool: 4 });
    const counts = new Map<number, number>();
    for (const v of pooled.sampleMeans) counts.set(v, (counts.get(v) ?? 0) + 1);
    expect(counts.get(0.5)! / 4000).toBeGreaterThan(0.46);
    expect(counts.get(0.5)! / 4000).toBeLessThan(0.54);
  });

  it("uses injected test orders exactly as select + credit would, for every strategy", () => {
    const rng = new Rng(11);
    const matrices = new Map<string, PassMatrix>();
    const labels = new Map<string, boolean[]>();
    const orders = new Map<string, number[][]>();
    for (let t = 0; t < 30; t++) {
      const N = 1 + rng.int(12);
      const M = rng.int(40);
      const m = new PassMatrix(N, M);
      const bias = rng.next();
      for (let i = 0; i < N; i++)
        for (let j = 0; j < M; j++) if (rng.next() < 0.9) m.set(i, j, rng.next() < bias);
      matrices.set(`t${t}`, m);
      labels.set(
        `t${t}`,
        Array.from({ length: N + 2 }, () => rng.next() < 0.5),
      );
      orders.set(
        `t${t}`,
        Array.from({ length: 3 }, () => rng.shuffle(Array.from({ length: 40 }, (_, j) => j))),
      );
    }
    for (const strategy of STRATEGIES) {
      for (const [n, mm] of [
        [5, 7],
        [14, 40],
        [1, 3],
      ] as const) {
        const r = bestOfN({
          matrices,
          labels,
          n,
          m: mm,
          samples: 3,
          strategy,
          testOrder: (task, s) => orders.get(task)![s]!,
        });
        for (const [task, matrix] of matrices) {
          let sum = 0;
          for (let s = 0; s < 3; s++) {
            const ranking = select(strategy, matrix, {
              solutions: n,
              tests: orders.get(task)![s]!.slice(0, mm),
            });
            sum += credit(ranking, labels.get(task)!);
          }
          expect(r.problemCredits.get(task)).toBeCloseTo(sum / 3, 12);
        }
      }
    }
  });

  it("is deterministic per seed", () => {
    const rng = new Rng(5);
    const matrices = new Map<string, PassMatrix>();
    const labels = new Map<string, boolean[]>();
    for (let t = 0; t < 10; t++) {
      const m = new PassMatrix(20, 20);
      for (let i = 0; i < 20; i++) for (let j = 0; j < 20; j++) m.set(i, j, rng.next() < 0.5);
      matrices.set(`t${t}`, m);
      labels.set(
        `t${t}`,
        Array.from({ length: 20 }, () => rng.next() < 0.5),
      );
    }
    const a = bestOfN({ matrices, labels, n: 10, m: 3, samples: 20, seed: 9 });
    const b = bestOfN({ matrices, labels, n: 10, m: 3, samples: 20, seed: 9 });
    const c = bestOfN({ matrices, labels, n: 10, m: 3, samples: 20, seed: 10 });
    expect(a.sampleMeans).toEqual(b.sampleMeans);
    expect(a.sampleMeans).not.toEqual(c.sampleMeans);
  });

  it("validates its options", () => {
    const matrices = new Map([["x", rowsOf([1])]]);
    const labels = new Map([["x", [true]]]);
    expect(() => bestOfN({ matrices, labels: new Map(), n: 1, m: 1, samples: 1 })).toThrow(/labels/);
    expect(() => bestOfN({ matrices, labels, n: 0, m: 1, samples: 1 })).toThrow(/^n: /);
    expect(() => bestOfN({ matrices, labels, n: 1, m: 1, samples: 0 })).toThrow(/^samples: /);
    expect(() => bestOfN({ matrices, labels, n: 1, m: 1, samples: 1, strategy: "x" as never })).toThrow(
      /strategy/,
    );
  });
});

describe("bestOfN, random protocol", () => {
  it("best-of-1 with random solutions is the vanilla baseline in expectation", () => {
    const matrices = new Map([
      ["a", rowsOf([1, 1], [0, 1], [1, 0], [0, 0])],
      ["b", rowsOf([1, 0], [1, 0])],
    ]);
    const labels = new Map([
      ["a", [true, false, false, false]],
      ["b", [true, false]],
    ]);
    const r = bestOfN({ matrices, labels, n: 1, m: 2, samples: 8000, seed: 2, protocol: "random" });
    expect(Math.abs(r.mean - vanilla(labels))).toBeLessThan(0.02);
    expect(Math.abs(r.problemCredits.get("a")! - 0.25)).toBeLessThan(0.025);
  });

  it("caps n and m at the matrix size and then matches the full-matrix vote", () => {
    const matrices = new Map([["a", rowsOf([1, 1, 0], [1, 1, 0], [1, 0, 1], [0, 0, 0])]]);
    const labels = new Map([["a", [true, false, true, true]]]);
    const r = bestOfN({ matrices, labels, n: 50, m: 50, samples: 10, protocol: "random" });
    expect(r.mean).toBe(0.5);
    // Without a matrix the labelled solutions compete with no results: all tie.
    const none = bestOfN({
      matrices: new Map(),
      labels,
      n: 2,
      m: 5,
      samples: 3000,
      seed: 4,
      protocol: "random",
    });
    expect(Math.abs(none.mean - 0.75)).toBeLessThan(0.03);
  });
});
