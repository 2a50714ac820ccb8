import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runPruned, Sandbox } from "../../src/sandbox/index.js";

let sb: Sandbox;
beforeAll(async () => {
  sb = await Sandbox.start({ workers: 2 });
});
afterAll(async () => {
  await sb?.close();
});

// sq(x) solutions that are right for some inputs only; tests check one input each.
const solutions = [
  "def sq(x):\n    return x * x\n",
  "def sq(x):\n    return x + x\n", // right for 0 and 2
  "def sq(x):\n    return 0\n", // right for 0
  "def sq(x):\n    return abs(x) * x\n", // right for x >= 0
  "def sq(x):\n    return x ** 2\n",
  "def sq(x):\n    return 1\n", // right for 1, -1
];
const inputs = [3, 0, -2, 5, 1, 2, -1, 4, 7, -3, 6, 8];
const tests = inputs.map(
  (x) =>
    `import unittest\nclass T(unittest.TestCase):\n    def test_it(self):\n        self.assertEqual(sq(${x}), ${x * x})\n`,
);

describe("pruned execution", () => {
  it("chooses the same top solutions as the full matrix while running fewer pairs", async () => {
    const full = await runPruned(sb, { id: "full", solutions, tests, format: "unittest" }, tests.length);
    const pruned = await runPruned(sb, { id: "pruned", solutions, tests, format: "unittest" }, 3);
    expect(full.skipped).toBe(0);
    expect(full.top).toEqual([0, 4]);
    expect(pruned.top).toEqual(full.top);
    for (const i of pruned.top) expect(pruned.pass[i]).toEqual(full.pass[i]); // complete rows for the tie-break
    expect(pruned.skipped).toBeGreaterThan(0);
    expect(pruned.ran + pruned.skipped).toBe(solutions.length * tests.length);
  });
});
