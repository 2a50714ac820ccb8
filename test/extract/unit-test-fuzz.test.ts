import { spawnSync } from "node:child_process";
import { beforeAll, describe, expect, it } from "vitest";
import { compileError } from "../../src/extract/python-checks.js";
import { initPython } from "../../src/extract/python-parser.js";
import { extractUnitTest } from "../../src/extract/unit-test.js";

beforeAll(() => initPython());

/** Seeded generator (mulberry32) so a failure can be replayed. */
function rng(seed: number) {
  let s = seed;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const F = "```";
const IMPORTS = ["import unittest", "import math", "from typing import List", "from your_module import add"];
const AFTER = [
  "",
  "\n\nif __name__ == '__main__':\n    unittest.main()",
  '\n\nif __name__ == "__main__":\n    unittest.main()',
  "\n\ndef helper():\n    return 1",
  "\n\n# The function under test\ndef add(a, b):\n    import operator\n    return operator.add(a, b)",
];
const METHODS = [
  "    def test_small(self):\n        self.assertEqual(add(1, 2), 3)",
  "    # zero is neutral\n    def test_zero(self):\n        self.assertEqual(add(0, 5), 5)",
  "    def test_float(self):\n        import math\n        self.assertTrue(math.isclose(add(0.1, 0.2), 0.3))",
  '    def test_hash(self):\n        self.assertEqual(add("#", "!"), "#!")',
];

/** A chat response assembled from the shapes tester models produce. */
function response(r: () => number): string {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)] as T;
  const imports = IMPORTS.filter(() => r() < 0.5);
  const copy = r() < 0.3 ? "def add(a, b):\n    return a + b\n\n" : "";
  const methods = METHODS.filter(() => r() < 0.6);
  const body = methods.length > 0 ? methods.join("\n\n") : "    def test_one(self):\n        pass";
  const head = imports.length > 0 ? `${imports.join("\n")}\n\n` : "";
  const code = `${head}${copy}class TestAdd(unittest.TestCase):\n${body}${pick(AFTER)}`;
  const prose = r() < 0.5 ? "Here are the unit tests:\n\n" : "";
  const tail = r() < 0.5 ? "\n\nThese tests cover the main cases." : "";
  return `${prose}${pick([`${F}python\n`, `${F}\n`])}${code}\n${F}${tail}`;
}

function reference(responses: string[]): { test: string | null; compiles: boolean }[] {
  const run = spawnSync("/usr/bin/python3", ["test/oracles/coderm_extract_unit_test.py"], {
    input: responses.map((r) => JSON.stringify({ response: r })).join("\n"),
    encoding: "utf8",
  });
  if (run.status !== 0) throw new Error(run.stderr);
  return run.stdout
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
}

describe("extractUnitTest on generated chat responses, against CodeRM's extraction", () => {
  it("is byte-identical wherever the reference yields a sound test, and sound where it does not", () => {
    const r = rng(20250101);
    const responses = Array.from({ length: 150 }, () => response(r));
    const expected = reference(responses);
    let identical = 0;
    let fixed = 0;
    responses.forEach((resp, i) => {
      const ref = expected[i];
      const ours = extractUnitTest(resp);
      if (!ours.ok) throw new Error(`rejected #${i}: ${ours.reason}\n${resp}`);
      expect(compileError(ours.text)).toBeUndefined();
      expect(ours.text).not.toMatch(/__main__|your_module|def add|def helper/);
      const sound =
        ref?.test != null &&
        ref.compiles &&
        ref.test.includes("class TestAdd") &&
        ref.test.startsWith("import unittest") === ours.text.startsWith("import unittest") &&
        ref.test.split("\n").includes("import unittest");
      if (sound) {
        expect({ i, text: ours.text }).toEqual({ i, text: ref?.test });
        identical++;
      } else fixed++;
    });
    // Both kinds occur in the sample, so both branches were exercised.
    expect(identical).toBeGreaterThan(30);
    expect(fixed).toBeGreaterThan(10);
  });
});
