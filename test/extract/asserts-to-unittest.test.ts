import { spawnSync } from "node:child_process";
import { beforeAll, describe, expect, it } from "vitest";
import { isCodermError } from "../../src/errors.js";
import { assertsToUnittest } from "../../src/extract/asserts-to-unittest.js";
import { extractAssertCases } from "../../src/extract/codet.js";
import { initPython } from "../../src/extract/python-parser.js";
import { describeTestClass } from "../../src/extract/unit-test.js";

beforeAll(() => initPython());

/** Run solution + test class with real CPython; returns [method, outcome] in the order unittest ran them. */
function runWithPython(program: string, className: string): [string, string][] {
  const runner = `
import io, json, unittest
ns = {"__name__": "candidate"}
exec(compile(${JSON.stringify(program)}, "program", "exec"), ns)
result = unittest.TestResult()
order = []
class Recorder(unittest.TestResult):
    def startTest(self, test):
        order.append([test._testMethodName, "pass"])
        super().startTest(test)
    def addFailure(self, test, err):
        order[-1][1] = "fail"
    def addError(self, test, err):
        order[-1][1] = "error"
unittest.TestLoader().loadTestsFromTestCase(ns[${JSON.stringify(className)}]).run(Recorder())
print(json.dumps(order))
`;
  const run = spawnSync("/usr/bin/python3", ["-c", runner], { encoding: "utf8" });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout);
}

describe("assertsToUnittest", () => {
  it("builds a class whose methods run in case order with each case's own verdict", () => {
    const cases = Array.from({ length: 12 }, (_, i) => `assert add(${i}, 1) == ${i === 7 ? 0 : i + 1}`);
    cases[3] = "assert add(\n    [1],\n    [2]) == [1, 2]";
    const test = assertsToUnittest(cases, { className: "TestAdd", prelude: "import math" });
    const described = describeTestClass(test);
    expect(described.ok && described.testCount).toBe(12);
    const outcomes = runWithPython(`def add(a, b):\n    return a + b\n\n${test}`, "TestAdd");
    expect(outcomes.map(([name]) => name)).toEqual(cases.map((_, i) => `test_${String(i).padStart(2, "0")}`));
    expect(outcomes.map(([, v]) => v)).toEqual(cases.map((_, i) => (i === 7 ? "fail" : "pass")));
  });

  it("turns CodeT cases into a runnable class; an exception in the candidate is an error", () => {
    const { cases } = extractAssertCases("f(2) == 4\nassert f(0) == 0\nassert f(-1) == 1\n", "f");
    const test = assertsToUnittest(cases);
    expect(
      test.startsWith("import unittest\n\n\nclass TestAsserts(unittest.TestCase):\n    def test_0(self):\n"),
    ).toBe(true);
    const outcomes = runWithPython(
      `def f(x):\n    if x < 0:\n        raise ValueError\n    return x * x\n\n${test}`,
      "TestAsserts",
    );
    expect(outcomes).toEqual([
      ["test_0", "pass"],
      ["test_1", "pass"],
      ["test_2", "error"],
    ]);
  });

  it("refuses no cases, a bad class name and a case that does not compile", () => {
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return isCodermError(e) ? `${e.code} ${e.where}` : String(e);
      }
      return "no error";
    };
    expect(code(() => assertsToUnittest([]))).toBe("E_BAD_INPUT cases");
    expect(code(() => assertsToUnittest(["assert f(1)"], { className: "Test Cases" }))).toBe(
      "E_BAD_INPUT className",
    );
    expect(code(() => assertsToUnittest(["assert f(1)", "assert \n  f(2)"]))).toBe("E_BAD_INPUT cases[1]");
  });
});
