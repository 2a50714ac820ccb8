/**
 * Plain HumanEval `check(candidate)` labels, CodeT's dual execution and its ranking / pass@k, and the
 * `coderm label` command (resumable) on the bundled data.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  checkPrograms,
  codetRank,
  codetTaskPassAtK,
  estimatePassAtK,
  type LabelExecutor,
  labelHumanEval,
  runCodetCases,
} from "../../src/evaluate/labels/index.js";
import type { Problem } from "../../src/records.js";
import { Sandbox } from "../../src/sandbox/index.js";

let executor: LabelExecutor;
beforeAll(async () => {
  executor = (await Sandbox.start({ workers: 2 })).executor("labels");
});
afterAll(async () => {
  await executor.close();
});

const problem: Problem = {
  task_id: "T/add",
  prompt: "def add(a, b):\n",
  entry_point: "add",
  test: "def check(candidate):\n    assert candidate(1, 2) == 3\n    assert candidate(-1, 1) == 0\n",
};

describe("HumanEval check(candidate)", () => {
  it("passes, fails on a wrong assert, and times out", async () => {
    const labels = await labelHumanEval(
      [
        { task_id: "T/add", index: 0, solution: "def add(a, b):\n    return a + b\n" },
        { task_id: "T/add", index: 1, solution: "def add(a, b):\n    return a - b\n" },
        { task_id: "T/add", index: 2, solution: "def add(a, b):\n    while True:\n        pass\n" },
        { task_id: "T/add", index: 3, solution: "def add(a, b) return\n" },
      ],
      new Map([["T/add", problem]]),
      { executor, timeout: 0.2 },
    );
    expect(labels.map((l) => l.correct)).toEqual([true, false, false, false]);
    expect(labels[1]?.details).toBe("failed: AssertionError");
    expect(labels[2]?.details).toBe("timed out");
    expect(labels[3]?.details).toBe("failed: SyntaxError");
  });
});

describe("CPU clock", () => {
  it("counts CPU time, not time spent waiting, in the load and in the calls", async () => {
    const sleepy = "import time\ndef f():\n    time.sleep(0.3)\n";
    const out = await checkPrograms(
      [
        {
          key: "t",
          solutions: [
            "import time\ntime.sleep(0.3)\ndef f():\n    pass\n",
            sleepy,
            "def f():\n    pass\nwhile True:\n    pass\n",
            "def f():\n    while True:\n        pass\n",
            "def f():\n    pass\n",
          ],
          test: "def check(candidate):\n    candidate()\n",
          entryPoint: "f",
        },
      ],
      { executor, timeout: 0.1, clock: "cpu" },
    );
    expect(out.get("t")?.map((o) => o.result)).toEqual([
      "passed",
      "passed",
      "timed out",
      "timed out",
      "passed",
    ]);
  });
});

describe("CodeT", () => {
  it("runs each case under its own limit and keeps going after a failure", async () => {
    const runs = await runCodetCases(
      [
        {
          key: "T/add",
          programs: [
            "def add(a, b):\n    return a + b\n",
            "def add(a, b):\n    while a > 5:\n        pass\n    return a * b\n",
          ],
          cases: ["assert add(1, 2) == 3", "assert add(2, 2) == 4", "assert add(9, 1) == 10"],
        },
      ],
      { executor },
    );
    expect(runs.get("T/add")).toEqual([
      [true, true, true],
      [false, true, false],
    ]);
  });

  it("keeps a program's state across its cases, as CodeT's one process does, and stops at a SystemExit", async () => {
    const runs = await runCodetCases(
      [
        {
          key: "T/count",
          programs: [
            "calls = [0]\ndef count():\n    calls[0] += 1\n    return calls[0]\n",
            "def count():\n    raise SystemExit(0)\n",
          ],
          cases: ["assert count() == 1", "assert count() == 2", "assert count() == 2"],
        },
      ],
      { executor },
    );
    expect(runs.get("T/count")).toEqual([[true, true, false], "failed: SystemExit"]);
  });

  it("ranks consensus sets by cases x sqrt(solutions), counting duplicates", () => {
    const a = "A";
    const b = "B";
    const c = "C";
    const ranked = codetRank({
      completions: [a, a, b, c],
      caseSamples: [["x", "y"], ["y"]],
      caseOrder: ["x", "y"],
      runs: new Map<string, boolean[] | string>([
        [a, [false, true]],
        [b, [true, true]],
        [c, "timed out"],
      ]),
    });
    // b passes x (1 occurrence) and y (2): 3 x sqrt(1) = 3; a passes y only: 2 x sqrt(2) = 2.83.
    expect(ranked.map((s) => [s.completions, s.score])).toEqual([
      [[b], 3],
      [[a, a], 2 * Math.SQRT2],
    ]);
    const correct = new Map([
      [a, true],
      [b, false],
      [c, false],
    ]);
    expect(codetTaskPassAtK(ranked, correct, [a, a, b, c], 1)).toBe(0);
    expect(codetTaskPassAtK(ranked, correct, [a, a, b, c], 2)).toBe(1);
    // No ranked set: the random estimator over all samples.
    expect(codetTaskPassAtK([], correct, [a, a, b, c], 1)).toBeCloseTo(0.5, 12);
    expect(estimatePassAtK(4, 2, 2)).toBeCloseTo(1 - 1 / 6, 12);
  });
});

describe("coderm label", () => {
  it("labels EvalPlus samples and resumes without redoing finished ones", () => {
    const dir = mkdtempSync(join(tmpdir(), "coderm-label-cli-"));
    const samples = join(dir, "samples.jsonl");
    const out = join(dir, "labels.jsonl");
    writeFileSync(
      samples,
      [
        { task_id: "HumanEval/53", completion: "    return x + y\n" },
        { task_id: "HumanEval/53", solution: "def add(x: int, y: int):\n    return x - y\n" },
      ]
        .map((r) => JSON.stringify(r))
        .join("\n"),
    );
    const run = () =>
      execFileSync(
        "npx",
        [
          "tsx",
          "src/cli/main.ts",
          "label",
          "--benchmark",
          "humaneval+",
          "--solutions",
          samples,
          "--out",
          out,
          "--cache",
          join(dir, "cache"),
        ],
        {
          encoding: "utf8",
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
    run();
    const first = readFileSync(out, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(first.map((l) => [l.index, l.base_status, l.plus_status, l.correct])).toEqual([
      [0, "pass", "pass", true],
      [1, "fail", "fail", false],
    ]);
    run();
    expect(readFileSync(out, "utf8").trim().split("\n")).toHaveLength(2);
  }, 60_000);
});
