import { describe, expect, it } from "vitest";
import { PassMatrix } from "../matrix/pass-matrix.js";
import { allocateTests } from "./budget.js";

describe("allocateTests", () => {
  const tasks = ["a", "b", "c"];
  const valid = new Map([
    ["a", [0, 1, 2, 3, 4, 5]],
    ["b", [0, 2, 4]],
    ["c", [1, 2, 3, 4, 5, 6]],
  ]);

  it("splits an equal budget, capped by the tests a problem has", () => {
    const counts = allocateTests(tasks, valid, 4, "equal");
    expect([...counts.values()].reduce((a, b) => a + b, 0)).toBe(12);
    expect(counts.get("b")).toBe(3);
    expect(counts.get("a")).toBeGreaterThanOrEqual(4);
  });

  it("dynamic: gives the rest of the budget by λ(1−λ)^b after a one-test probe", () => {
    // a: every solution passes its probe (λ = 1, no gain); c: half pass (λ = 0.5); b: none pass (λ = 0).
    const probe = new Map([
      [
        "a",
        PassMatrix.fromRows(
          [
            [1, 0, 0, 0, 0, 0],
            [1, 0, 0, 0, 0, 0],
          ],
          6,
        ),
      ],
      [
        "b",
        PassMatrix.fromRows(
          [
            [0, 0, 0, 0, 0],
            [0, 0, 0, 0, 0],
          ],
          5,
        ),
      ],
      [
        "c",
        PassMatrix.fromRows(
          [
            [0, 1, 0, 0, 0, 0, 0],
            [0, 0, 0, 0, 0, 0, 0],
          ],
          7,
        ),
      ],
    ]);
    const counts = allocateTests(tasks, valid, 2, "dynamic", probe);
    expect([...counts.values()].reduce((a, b) => a + b, 0)).toBe(6);
    // The 3 units left after the probes all go to c, the only problem with a positive marginal gain.
    expect(counts.get("c")).toBe(4);
    expect(counts.get("a")).toBe(1);
    expect(counts.get("b")).toBe(1);
  });
});
