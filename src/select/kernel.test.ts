import { describe, expect, it } from "vitest";
import { PassMatrix, testMask } from "../matrix/pass-matrix.js";
import { Rng } from "../util/rng.js";
import { chooseInto, loadRows, Scratch } from "./kernel.js";

/** A matrix whose rows are copies of a few patterns, so consensus sets are large. */
function patterned(rng: Rng, n: number, tests: number, patterns: number): PassMatrix {
  const pats = Array.from({ length: patterns }, () => Array.from({ length: tests }, () => rng.next() < 0.5));
  const m = new PassMatrix(n, tests);
  for (let i = 0; i < n; i++) {
    const p = pats[rng.int(patterns)]!;
    for (let j = 0; j < tests; j++) m.set(i, j, p[j]!);
  }
  return m;
}

describe("kernel", () => {
  it("group sizes equal a brute-force count over masked rows, with one scratch reused across shapes", () => {
    const rng = new Rng(99);
    const shared = new Scratch();
    for (let round = 0; round < 120; round++) {
      const tests = [0, 1, 31, 32, 33, 70, 100][rng.int(7)]!;
      const n = 1 + rng.int(60);
      const m = patterned(rng, n, tests, 1 + rng.int(6));
      const chosenTests = Array.from({ length: tests }, (_, j) => j).filter(() => rng.next() < 0.6);
      const mask = testMask(tests, chosenTests);
      const ids = Int32Array.from({ length: n + 3 }, (_, i) => i); // 3 ids past the matrix
      const keys = Array.from(ids, (i) => chosenTests.map((j) => (i < n && m.get(i, j) ? 1 : 0)).join(""));
      const want = keys.map((k) => keys.filter((q) => q === k).length);
      const passes = keys.map((k) => [...k].filter((c) => c === "1").length);
      for (const s of [shared, new Scratch()]) {
        loadRows(m, ids, ids.length, mask, s);
        chooseInto("codet", ids.length, s); // codet groups every position
        expect(Array.from(s.group.subarray(0, ids.length))).toEqual(want);
        expect(Array.from(s.counts.subarray(0, ids.length))).toEqual(passes);
      }
    }
  });

  it("coderm-vote on the kernel keeps the largest tied group", () => {
    const m = PassMatrix.fromRows([
      [1, 0, 1],
      [0, 1, 1],
      [1, 0, 1],
      [1, 1, 1],
      [0, 1, 1],
      [1, 0, 1],
    ]);
    const s = new Scratch();
    loadRows(m, [0, 1, 2, 4, 5], 5, testMask(3, [0, 1]), s);
    // Masked to tests {0,1}: positions 0,2,4 (ids 0,2,5) pass {0}; positions 1,3 pass {1}.
    const k = chooseInto("coderm-vote", 5, s);
    expect(Array.from(s.chosen.subarray(0, k))).toEqual([0, 2, 4]);
  });
});
