/**
 * Parity of the `codet` strategy with CodeT's released ranking (test/oracles/codet_select.py, a real
 * Python process): on random problems built from few pass patterns (so consensus sets are large and
 * score ties happen), top-1 credit must agree exactly, including the float-equality tie rule.
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { codetPassAtK, credit } from "../../src/evaluate/metrics/index.js";
import { PassMatrix } from "../../src/matrix/pass-matrix.js";
import { codet } from "../../src/select/index.js";
import { Rng } from "../../src/util/rng.js";

const ORACLE = fileURLToPath(new URL("../oracles/codet_select.py", import.meta.url));

describe("codet parity with CodeT's released code", () => {
  it("agrees on top-1 credit and CodeT's pass@2/5/10 for 300 random problems", () => {
    const rng = new Rng(31);
    const problems: { passing: number[][]; labels: boolean[] }[] = [];
    const ours: number[][] = [];
    const KS = [1, 2, 5, 10];
    for (let t = 0; t < 300; t++) {
      const n = 10 + rng.int(31); // ≥ max k, where CodeT's random fallback is well defined
      const tests = rng.int(20);
      const patterns = Array.from({ length: 1 + rng.int(5) }, () =>
        Array.from({ length: tests }, () => rng.next() < (t % 10 === 0 ? 0 : 0.4)),
      );
      const m = new PassMatrix(n, tests);
      const passing: number[][] = [];
      for (let i = 0; i < n; i++) {
        const p = patterns[rng.int(patterns.length)]!;
        const row: number[] = [];
        for (let j = 0; j < tests; j++) {
          m.set(i, j, p[j]!);
          if (p[j]) row.push(j);
        }
        passing.push(row);
      }
      const labels = Array.from({ length: n }, () => rng.next() < 0.5);
      problems.push({ passing, labels });
      const r = codet(m);
      const top1 = credit(r, labels);
      expect(codetPassAtK(r, labels, 1)).toBeCloseTo(top1, 12);
      ours.push(KS.map((k) => (k === 1 ? top1 : codetPassAtK(r, labels, k))));
    }
    const theirs = JSON.parse(
      execFileSync("/usr/bin/python3", [ORACLE], {
        input: JSON.stringify({ ks: KS, problems }),
        encoding: "utf8",
      }),
    ) as number[][];
    expect(theirs.length).toBe(300);
    theirs.forEach((row, t) => {
      row.forEach((v, i) => {
        expect(Math.abs(ours[t]![i]! - v), `problem ${t} pass@${KS[i]}`).toBeLessThan(1e-12);
      });
    });
  });

  it("keeps CodeT's float tie rule: 3 tests × √2 solutions does not tie 1 test × √18", () => {
    // Set A passes tests {0,1,2} with 2 solutions; set B passes {3} with 18 solutions.
    const rows = [[1, 1, 1, 0], [1, 1, 1, 0], ...Array.from({ length: 18 }, () => [0, 0, 0, 1])];
    const r = codet(PassMatrix.fromRows(rows));
    expect(3 * Math.sqrt(2)).not.toBe(1 * Math.sqrt(18));
    const winner = 3 * Math.sqrt(2) > Math.sqrt(18) ? [0, 1] : Array.from({ length: 18 }, (_, i) => i + 2);
    expect(r.chosen).toEqual(winner);
  });
});
