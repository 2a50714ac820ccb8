import { describe, expect, it } from "vitest";
import { PassMatrix, testMask } from "../matrix/pass-matrix.js";
import { argmax, codermVote, codet, codetProduct, passRate, STRATEGIES, select } from "./index.js";

// Rows are solutions, columns tests.
const tie = PassMatrix.fromRows([
  [1, 1, 0, 0], // 0: {0,1}
  [1, 0, 1, 0], // 1: {0,2}
  [1, 1, 0, 0], // 2: {0,1}
  [0, 0, 0, 1], // 3: {3}
  [1, 0, 1, 0], // 4: {0,2}
  [1, 1, 0, 0], // 5: {0,1}
]);

describe("codermVote (reference semantics)", () => {
  it("keeps top scorers, then the largest identical-pass-set group", () => {
    const r = codermVote(tie);
    // Solutions 0,1,2,4,5 pass 2 tests; {0,1} is shared by 3 of them, {0,2} by 2.
    expect(r.chosen).toEqual([0, 2, 5]);
    expect(Array.from(r.passed)).toEqual([2, 2, 2, 1, 2, 2]);
    expect(Array.from(r.consensus)).toEqual([3, 2, 3, 1, 2, 3]);
    expect(r.order).toEqual([0, 2, 5, 1, 4, 3]);
    expect(r.tests).toBe(4);
  });

  it("keeps every group of equal maximal consistency", () => {
    const m = PassMatrix.fromRows([
      [1, 0],
      [0, 1],
      [1, 0],
      [0, 1],
      [0, 0],
    ]);
    expect(codermVote(m).chosen).toEqual([0, 1, 2, 3]);
  });

  it("prefers a higher score over a larger group", () => {
    const m = PassMatrix.fromRows([
      [1, 1, 1],
      [1, 1, 0],
      [1, 1, 0],
      [1, 1, 0],
    ]);
    expect(codermVote(m).chosen).toEqual([0]);
  });

  it("restricts to the first n solutions and to chosen tests", () => {
    // First 2 solutions only: 0 and 1 tie on score 2 with groups of 1 each.
    expect(codermVote(tie, { solutions: 2 }).chosen).toEqual([0, 1]);
    // Only tests 2 and 3: solutions 1,4 pass {2}; 3 passes {3}; {2} group is larger.
    const r = codermVote(tie, { tests: [2, 3] });
    expect(r.chosen).toEqual([1, 4]);
    expect(r.tests).toBe(2);
    // A bitset mask means the same as the id list.
    expect(codermVote(tie, { tests: testMask(4, [2, 3]) }).chosen).toEqual([1, 4]);
  });

  it("treats solution ids past the matrix and missing results as fails", () => {
    const m = new PassMatrix(2, 3);
    m.set(0, 0, true);
    m.set(1, 0, true);
    m.set(1, 1, true); // cell (0,1) and all of column 2 stay missing
    const r = codermVote(m, { solutions: 4, tests: [0, 1, 2, 7] });
    expect(r.tests).toBe(4);
    expect(Array.from(r.passed)).toEqual([1, 2, 0, 0]);
    expect(r.chosen).toEqual([1]);
    expect(r.scores.length).toBe(4);
  });
});

describe("degenerate inputs", () => {
  it("zero solutions choose nothing", () => {
    for (const s of STRATEGIES) {
      const r = select(s, new PassMatrix(0, 5));
      expect(r.chosen).toEqual([]);
      expect(r.order).toEqual([]);
    }
  });

  it("zero tests make every solution tie", () => {
    for (const s of STRATEGIES) {
      expect(select(s, new PassMatrix(3, 0)).chosen).toEqual([0, 1, 2]);
      expect(select(s, tie, { tests: [] }).chosen).toEqual([0, 1, 2, 3, 4, 5]);
    }
    expect(Array.from(passRate(tie, { tests: [] }).scores)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it("all-fail and all-pass problems tie everyone", () => {
    const fail = PassMatrix.fromRows([
      [0, 0],
      [0, 0],
      [0, 0],
    ]);
    const pass = PassMatrix.fromRows([
      [1, 1],
      [1, 1],
    ]);
    for (const s of STRATEGIES) {
      expect(select(s, fail).chosen).toEqual([0, 1, 2]);
      expect(select(s, pass).chosen).toEqual([0, 1]);
    }
  });

  it("rejects unknown strategies and bad ids", () => {
    expect(() => select("nope" as never, tie)).toThrow(/unknown strategy/);
    expect(() => select("argmax", tie, { solutions: [0, 0] })).toThrow(/solutions\[1\]/);
    expect(() => select("argmax", tie, { tests: [-1] })).toThrow(/tests\[0\]/);
  });
});

describe("argmax and pass-rate", () => {
  it("argmax chooses every top scorer (paper Eq. 1)", () => {
    const r = argmax(tie);
    expect(r.chosen).toEqual([0, 1, 2, 4, 5]);
    expect(r.order).toEqual([0, 1, 2, 4, 5, 3]);
  });

  it("pass-rate scores passed/tests and chooses the top", () => {
    const r = passRate(tie);
    expect(Array.from(r.scores)).toEqual([0.5, 0.5, 0.5, 0.25, 0.5, 0.5]);
    expect(r.chosen).toEqual([0, 1, 2, 4, 5]);
    expect(Array.from(passRate(tie, { tests: [0, 9] }).scores)).toEqual([0.5, 0.5, 0.5, 0, 0.5, 0.5]);
  });
});

describe("codet", () => {
  // Set A = {0} passed by 4 solutions; set B = {0,1} by 1 solution; set C = {} by 1.
  const m = PassMatrix.fromRows([
    [1, 0],
    [1, 0],
    [1, 1],
    [1, 0],
    [0, 0],
    [1, 0],
  ]);

  it("released code: |tests| · sqrt(|set|)", () => {
    const r = codet(m);
    // A: 1·sqrt(4) = 2; B: 2·1 = 2 → exact tie, both sets chosen.
    expect(r.chosen).toEqual([0, 1, 2, 3, 5]);
    expect(r.scores[0]).toBe(2);
    expect(r.scores[2]).toBe(2);
    expect(r.scores[4]).toBe(0);
  });

  it("paper: |tests| · |set|", () => {
    const r = codetProduct(m);
    // A: 1·4 = 4; B: 2·1 = 2.
    expect(r.chosen).toEqual([0, 1, 3, 5]);
    expect(Array.from(r.scores)).toEqual([4, 4, 2, 4, 0, 4]);
    expect(r.order).toEqual([0, 1, 3, 5, 2, 4]);
  });

  it("a big consensus set beats a lone high scorer under both", () => {
    const rows = [[1, 1, 1, 1]];
    for (let i = 0; i < 5; i++) rows.push([1, 1, 0, 0]);
    const big = PassMatrix.fromRows(rows);
    expect(codet(big).chosen).toEqual([1, 2, 3, 4, 5]); // 2·sqrt5 ≈ 4.47 > 4
    expect(codetProduct(big).chosen).toEqual([1, 2, 3, 4, 5]);
    // …while the reference rule and argmax follow the raw score.
    expect(codermVote(big).chosen).toEqual([0]);
  });
});
