import { spawnSync } from "node:child_process";
import { beforeAll, describe, expect, it } from "vitest";
import { findCodeBlocks } from "../../src/extract/code-blocks.js";
import { compileError } from "../../src/extract/python-checks.js";
import { initPython } from "../../src/extract/python-parser.js";
import { describeTestClass, extractUnitTest } from "../../src/extract/unit-test.js";

const F = "```";
beforeAll(() => initPython());

/** CodeRM's extraction (test/oracles/coderm_extract_unit_test.py), without its appended runner. */
function reference(responses: string[]): (string | null)[] {
  return referenceRun(responses).map((r) => r.test);
}

function referenceRun(responses: string[]): { test: string | null; blocks: string[] }[] {
  const run = spawnSync("/usr/bin/python3", ["test/oracles/coderm_extract_unit_test.py"], {
    input: responses.map((response) => JSON.stringify({ response })).join("\n"),
    encoding: "utf8",
  });
  if (run.status !== 0) throw new Error(run.stderr);
  return run.stdout
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as { test: string | null; blocks: string[] });
}

const cls = (name: string, body = "        self.assertEqual(add(1, 2), 3)") =>
  `class ${name}(unittest.TestCase):\n    def test_one(self):\n${body}\n\n    def test_two(self):\n        self.assertTrue(add(0, 0) == 0)`;

/** Responses the reference handles correctly: ours must be byte-identical. */
const clean = [
  `Here you go:\n${F}python\nimport unittest\n\n${cls("TestAdd")}\n\nif __name__ == '__main__':\n    unittest.main()\n${F}\nThese tests check add.`,
  `${F}python\nimport unittest\nfrom typing import List\n\ndef add(a: int, b: int) -> int:\n    return a + b\n\n${cls("TestAdd")}\n${F}`,
  `${F}\nimport unittest\nimport math\n\n${cls("TestMath")}\n\nif __name__ == "__main__":\n    unittest.main()\n${F}`,
  `${F}python\nimport unittest\nfrom your_module import add\n\n${cls("TestAdd")}\n\ndef add(a, b):\n    return a + b\n${F}`,
  // Nested imports come after every module-level one, as in ast.walk's breadth-first order.
  `${F}python\ndef add(a, b):\n    import operator\n    return operator.add(a, b)\n\nimport unittest\nfrom math import isclose\n\n${cls("TestAdd", "        import sys\n        self.assertTrue(isclose(add(0.1, 0.2), 0.3))")}\n${F}`,
];

/** Responses the reference mangles: each yields a test that cannot run; ours is sound. */
const mangled = {
  offsetZero: `${F}python\n${cls("TestAdd")}\n${F}`,
  hashOnLastLine: `${F}python\nimport unittest\n\nclass TestAdd(unittest.TestCase):\n    def test_one(self):\n        self.assertEqual(add("#", "#"), "##")\ndef add(a, b):\n    return a + b\n${F}`,
  solutionImport: `${F}python\nimport unittest\nfrom solution import add\n\n${cls("TestAdd")}\n${F}`,
};

describe("extractUnitTest against CodeRM's reference extraction", () => {
  it("is byte-identical where the reference works", () => {
    const expected = reference(clean);
    const ours = clean.map((r) => {
      const x = extractUnitTest(r);
      return x.ok ? x.text : x.reason;
    });
    expect(ours).toEqual(expected);
  });

  it("rejects what the reference rejects", () => {
    const rejected = [
      `${F}python\nimport unittest\n${cls("A")}\n\n${cls("B")}\n${F}`,
      "no code at all",
      `${F}python\nx = 1\n${F}\n${F}python\n${cls("A")}\n${F}`,
    ];
    expect(reference(rejected)).toEqual([null, null, null]);
    for (const r of rejected) expect(extractUnitTest(r).ok).toBe(false);
  });

  it("fixes the offset-0, trailing-'#' and solution-import bugs", () => {
    const [offsetZero, hash, solution] = reference(Object.values(mangled));
    // Offset 0: find("\nclass") is -1, so only the block's last character is left.
    expect(offsetZero).toBe("\n)");
    // A last line containing '#' before a following def is deleted, leaving a method without a body.
    expect(compileError(hash ?? "")).toMatch(/./);
    // `from solution import add` is kept and fails with ImportError in the sandbox.
    expect(solution).toContain("from solution import add");

    for (const r of Object.values(mangled)) {
      const x = extractUnitTest(r);
      if (!x.ok) throw new Error(x.reason);
      expect(compileError(x.text)).toBeUndefined();
      expect(x.text).not.toContain("solution");
      const d = describeTestClass(x.text);
      expect(d.ok && d.classes.map((c) => c.name)).toEqual(["TestAdd"]);
    }
  });
});

describe("findCodeBlocks against CodeRM's extract_code", () => {
  it("finds the same blocks on tricky fences", () => {
    const responses = [
      `${F}python\nx = 1\n${F}`,
      `${F}python\nx = 1${F}`,
      `${F}python\n${F}\n${F}python\ny = 2\n${F}`,
      `${F}py\nx = 1\n${F}\nprose\n${F}\ny = 2\n${F}`,
      `${F}Python\nx = 1\n${F}`,
      `${F}python\r\nx = 1\r\n${F}`,
      `${F}\nplain\n${F}\n${F}python\ntagged\n${F}`,
      `${F}python\ns = """\n${F}\n"""\n${F}`,
      `${F}python \nx = 1\n${F}`,
      `${F}python\nunclosed = 1\n`,
      `text ${F}python\ninline = 1\n${F} more`,
      "no fences",
      `${F}${F}${F}\n\n${F}`,
    ];
    expect(responses.map((r) => findCodeBlocks(r))).toEqual(referenceRun(responses).map((r) => r.blocks));
  });
});
