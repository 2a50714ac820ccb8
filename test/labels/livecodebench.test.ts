/** LiveCodeBench labels on small fixtures: functional (LeetCode `Solution`) and stdin/stdout rules. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LabelExecutor, labelLiveCodeBench } from "../../src/evaluate/labels/index.js";
import { Sandbox } from "../../src/sandbox/index.js";
import { lcbProblem } from "./fixtures.js";

let executor: LabelExecutor;
beforeAll(async () => {
  executor = (await Sandbox.start({ workers: 2 })).executor("labels");
});
afterAll(async () => {
  await executor.close();
});

const functional = lcbProblem(
  "lc/add",
  [
    { input: "[1, 2]\n3", output: "[1, 2, 3]", testtype: "functional" },
    { input: "[]\n0", output: "[0]", testtype: "functional" },
  ],
  "append",
);
const stdio = lcbProblem("ac/double", [
  { input: "2\n", output: "4\nok\n", testtype: "stdin" },
  { input: "5\n", output: "10\nok", testtype: "stdin" },
]);
const problems = new Map([
  [functional.task_id, functional],
  [stdio.task_id, stdio],
]);

describe("LiveCodeBench labels", () => {
  it("calls Solution().<func_name> with JSON lines and accepts a tuple for a list", async () => {
    const ls = await labelLiveCodeBench(
      [
        "class Solution:\n    def append(self, xs, v):\n        return xs + [v]\n",
        "class Solution:\n    def append(self, xs, v):\n        return tuple(xs) + (v,)\n",
        "class Solution:\n    def append(self, xs, v):\n        return xs\n",
        "class Solution:\n    def append(self, xs, v):\n        raise RuntimeError\n",
      ].map((solution, index) => ({ task_id: "lc/add", index, solution })),
      problems,
      { executor },
    );
    expect(ls.map((l) => l.correct)).toEqual([true, true, false, false]);
    expect(ls[3]?.details).toBe("runtime error on test 0: RuntimeError");
  });

  it("compares stdout line by line after stripping, exactly or as decimals", async () => {
    const ls = await labelLiveCodeBench(
      [
        "n = int(input())\nprint(n * 2)\nprint('ok  ')\n", // trailing spaces are stripped
        "import sys\nn = int(sys.stdin.readline())\nprint(f'{n * 2}.000')\nprint('ok')\n", // 4 == 4.000
        "if __name__ == '__main__':\n    print(int(input()) * 2)\n    print('ok')\n",
        "print(int(input()) * 2)\n", // a line short
        "print(int(input()) * 3)\nprint('ok')\n",
        "while True:\n    pass\n",
      ].map((solution, index) => ({ task_id: "ac/double", index, solution })),
      problems,
      { executor, timeout: 1 },
    );
    expect(ls.map((l) => l.correct)).toEqual([true, true, true, false, false, false]);
    expect(ls[5]?.details).toBe("time limit exceeded on test 0");
  }, 30_000);
});
