/**
 * The note that explains a strategy scoring below vanilla (issue 15 item 13: the demo showed CodeRM vote
 * 0.00 against CodeT 48.21 with no word of why). Hand-built matrices with known numbers.
 */
import { describe, expect, it } from "vitest";
import { PassMatrix } from "../matrix/pass-matrix.js";
import { evaluate } from "./summary.js";

// "Noisy": solutions 0–2 are correct and agree; tests 0–1 expect a wrong value that only the wrong #3 gives.
const noisy = PassMatrix.fromRows([
  [0, 0, 1, 1, 1],
  [0, 0, 1, 1, 1],
  [0, 0, 1, 1, 1],
  [1, 1, 1, 1, 0],
]);
// "Clean": the correct solution passes most, every strategy picks it.
const clean = PassMatrix.fromRows([
  [1, 1, 1, 1, 1],
  [1, 0, 0, 0, 0],
]);

describe("below-vanilla note", () => {
  it("says why, with the run's numbers, and names codet's agreement score", () => {
    const s = evaluate(
      new Map([
        ["noisy", noisy],
        ["clean", clean],
      ]),
      new Map([
        ["noisy", [true, true, true, false]],
        ["clean", [true, false]],
      ]),
      { strategies: ["codet", "coderm-vote", "argmax"], samples: 5, testDescription: "one generated assert" },
    );
    // vanilla = (3/4 + 1/2) / 2 = 62.50; the vote and argmax pick #3 on "noisy" (4 tests vs 3) → 50.00.
    expect(s.vanilla).toBeCloseTo(0.625);
    const vote = s.strategies.find((r) => r.strategy === "coderm-vote")!;
    expect(vote.best.mean).toBeCloseTo(0.5);
    const notes = s.notes.filter((n) => n.includes("below vanilla"));
    expect(notes).toEqual([
      "coderm-vote and argmax score below vanilla (50.00 and 50.00 vs 62.50) because the tests reward wrong solutions " +
        "(each test is one generated assert): on 1 of 2 problems with a correct solution the pick is an incorrect one " +
        "passing at least as many tests as every correct one. noisy: 3/4 solutions are correct, yet 2 of its 5 tests " +
        "fail all of them; the best correct solution passes 3, the chosen #3 (incorrect) 4. codet also counts agreement " +
        "(tests passed × √ solutions passing the same tests): 3 × √3 = 5 for the 3 solutions passing the same tests as " +
        "#0 (correct), against 4 × √1 = 4 for #3.",
    ]);
  });

  it("stays silent when no strategy is below vanilla", () => {
    const s = evaluate(new Map([["clean", clean]]), new Map([["clean", [true, false]]]), { samples: 5 });
    expect(s.notes.filter((n) => n.includes("below vanilla"))).toEqual([]);
  });
});
