import { describe, expect, it } from "vitest";
import { PassMatrix } from "../matrix/pass-matrix.js";
import { doublings, evaluate } from "./summary.js";

/**
 * A: rows 11 / 10 / 00, labels T F F. B: rows 10 / 01, labels F T. C: no labels, one missing cell.
 * Hand-computed numbers are in the comments of each assertion.
 */
function inputs() {
  const c = new PassMatrix(2, 2);
  c.set(0, 0, true);
  c.set(1, 0, false);
  c.set(1, 1, true);
  const matrices = new Map([
    [
      "A",
      PassMatrix.fromRows([
        [1, 1],
        [1, 0],
        [0, 0],
      ]),
    ],
    [
      "B",
      PassMatrix.fromRows([
        [1, 0],
        [0, 1],
      ]),
    ],
    ["C", c],
  ]);
  const labels = new Map([
    ["A", [true, false, false]],
    ["B", [false, true]],
  ]);
  return { matrices, labels };
}

describe("evaluate", () => {
  const { matrices, labels } = inputs();
  const s = evaluate(matrices, labels, {
    strategies: ["coderm-vote", "codet", "argmax"],
    samples: 2000,
    curveSamples: 2000,
    seed: 7,
    benchmark: "humaneval+",
    policy: "toy",
  });

  it("fills options and counts", () => {
    expect(s.title).toBe("humaneval+ / toy");
    expect(s.options).toMatchObject({
      n: 3,
      m: 2,
      curve_n: [1, 2, 3],
      curve_m: [1, 2],
      protocol: "reference",
    });
    expect(s.counts).toEqual({
      problems: 3,
      labelled_problems: 2,
      solutions: 7,
      tests: 6,
      missing_results: 1,
    });
    expect(s.notes.some((n) => n.includes("1 of 3 problems have no labels"))).toBe(true);
  });

  it("computes vanilla and pass@k over the labelled problems", () => {
    // (1/3 + 1/2) / 2
    expect(s.vanilla).toBeCloseTo(5 / 12, 12);
    // pass@2: A 1 − C(2,2)/C(3,2) = 2/3, B 1 → 5/6; pass@5 needs 5 samples per problem: absent.
    expect(s.pass_at_k.map((p) => p.k)).toEqual([1, 2]);
    expect(s.pass_at_k[1]!.value).toBeCloseTo(5 / 6, 12);
  });

  it("computes best-of-n at (N, M) and the curves", () => {
    const vote = s.strategies.find((r) => r.strategy === "coderm-vote")!;
    // All tests used: A picks {0} (credit 1), B ties {0,1} (credit 1/2): deterministic 0.75.
    expect(vote.best).toEqual({ n: 3, m: 2, mean: 0.75, std: 0 });
    // One random test: A credit 1/2 or 1, B 0 or 1 → expected (0.75 + 0.5) / 2.
    const m1 = vote.over_m.find((p) => p.m === 1)!;
    expect(m1.mean).toBeGreaterThan(0.6);
    expect(m1.mean).toBeLessThan(0.65);
    expect(m1.std).toBeGreaterThan(0);
    // n = 1: A's solution 0 (1), B's solution 0 (0); n = 2: 1 and 1/2.
    expect(vote.over_n.map((p) => [p.n, p.mean])).toEqual([
      [1, 0.5],
      [2, 0.75],
      [3, 0.75],
    ]);
  });

  it("computes unit-test quality with paper and standard rates", () => {
    const q = s.test_quality!;
    // individual: tp 3, fn 1, fp 2, tn 4.
    expect(q.individual).toMatchObject({ tp: 3, fn: 1, fp: 2, tn: 4 });
    expect(q.individual.accuracy).toBeCloseTo(0.7, 12);
    expect(q.individual.far).toBeCloseTo(2 / 5, 12);
    expect(q.individual.frr).toBeCloseTo(1 / 5, 12);
    expect(q.individual.fpr).toBeCloseTo(2 / 6, 12);
    expect(q.individual.fnr).toBeCloseTo(1 / 4, 12);
    // multiple: A top = solution 0; B both tie → tp 2, tn 2, fp 1, fn 0.
    expect(q.multiple).toMatchObject({ tp: 2, tn: 2, fp: 1, fn: 0, frr: 0 });
    expect(q.multiple.far).toBeCloseTo(1 / 3, 12);
  });

  it("details every problem, labelled or not", () => {
    const [a, b, c] = s.problems;
    expect(a).toMatchObject({ task_id: "A", solutions: 3, tests: 2, missing: 0, correct: 1, labelled: 3 });
    expect(a!.pass_density).toBeCloseTo(3 / 6, 12);
    expect(a!.chosen).toEqual({ "coderm-vote": [0], codet: [0], argmax: [0] });
    expect(a!.credit["coderm-vote"]).toBe(1);
    expect(b!.chosen.argmax).toEqual([0, 1]);
    expect(b!.credit["coderm-vote"]).toBe(0.5);
    expect(c).toMatchObject({ task_id: "C", missing: 1, correct: null, labelled: 0 });
    expect(c!.pass_density).toBeCloseTo(2 / 3, 12);
    expect(c!.credit.codet).toBeNull();
    // C: solution 0 passes test 0 (test 1 missing), solution 1 passes test 1: a tie.
    expect(c!.chosen["coderm-vote"]).toEqual([0, 1]);
  });

  it("features the first problem with mixed labels, with its matrix as strings", () => {
    expect(s.featured).toEqual([
      {
        task_id: "A",
        rows: ["11", "10", "00"],
        correct: [true, false, false],
        chosen: { "coderm-vote": [0], codet: [0], argmax: [0] },
      },
    ]);
    const other = evaluate(matrices, labels, { samples: 1, featured: ["C", "nope"] });
    expect(other.featured[0]!.rows).toEqual(["1.", "01"]);
    expect(other.featured[0]!.correct).toBeNull();
    expect(other.notes).toContain("featured problem nope has no pass matrix");
  });

  it("is JSON-serialisable and deterministic for a seed", () => {
    const again = evaluate(matrices, labels, {
      strategies: ["coderm-vote", "codet", "argmax"],
      samples: 2000,
      curveSamples: 2000,
      seed: 7,
      benchmark: "humaneval+",
      policy: "toy",
    });
    expect(JSON.parse(JSON.stringify(s))).toEqual(again);
  });

  it("skips label-based metrics without labels and says so", () => {
    const none = evaluate(matrices, new Map(), { samples: 5 });
    expect(none.vanilla).toBeNull();
    expect(none.pass_at_k).toEqual([]);
    expect(none.strategies).toEqual([]);
    expect(none.test_quality).toBeNull();
    expect(none.notes[0]).toMatch(/^no labels: .*skipped/);
    expect(none.problems).toHaveLength(3);
    expect(none.featured[0]!.task_id).toBe("A");
  });

  it("random protocol: with every solution and test drawn, the same credit as the reference", () => {
    const r = evaluate(matrices, labels, {
      strategies: ["coderm-vote"],
      protocol: "random",
      samples: 50,
      n: 3,
    });
    expect(r.options.protocol).toBe("random");
    expect(r.strategies[0]!.best.mean).toBeCloseTo(0.75, 12);
    // n = 1 draws a random solution: its expected credit is vanilla (5/12), not solution 0's 0.5.
    const n1 = r.strategies[0]!.over_n[0]!;
    expect(n1.n).toBe(1);
    expect(Math.abs(n1.mean - 5 / 12)).toBeLessThan(0.12);
    expect(n1.std).toBeGreaterThan(0);
  });

  it("test pool: drawing from ids 0..99 like the reference mostly draws tests that do not exist", () => {
    const r = evaluate(matrices, labels, { strategies: ["coderm-vote"], testPool: 100, m: 1, samples: 400 });
    expect(r.options.test_pool).toBe(100);
    // With no real test drawn every one of solutions 0..2 ties (B's solution 2 has no results and no
    // label: incorrect), so both problems credit about 1/3 instead of 0.625 with real tests.
    expect(Math.abs(r.strategies[0]!.best.mean - 1 / 3)).toBeLessThan(0.03);
  });

  it("rejects unknown strategies", () => {
    expect(() => evaluate(matrices, labels, { strategies: ["best" as never] })).toThrow(
      /unknown strategy "best"/,
    );
  });
});

describe("doublings", () => {
  it("lists powers of two below max, then max", () => {
    expect(doublings(100)).toEqual([1, 2, 4, 8, 16, 32, 64, 100]);
    expect(doublings(8)).toEqual([1, 2, 4, 8]);
    expect(doublings(1)).toEqual([1]);
    expect(doublings(0)).toEqual([]);
  });
});
