import { beforeAll, describe, expect, it } from "vitest";
import { initPython } from "./python-parser.js";
import { dedupeTests, describeTestClass, extractUnitTest, unitTestFromCode } from "./unit-test.js";

const F = "```";
beforeAll(() => initPython());

function ok(r: ReturnType<typeof extractUnitTest>) {
  if (!r.ok) throw new Error(`expected an extraction, got: ${r.reason}`);
  return r;
}

/** Realistic chat responses, in the shapes tester models produce. */
const responses = {
  offsetZero: `${F}python
class TestSum(unittest.TestCase):
    def test_small(self):
        self.assertEqual(add(1, 2), 3)
${F}`,
  guardAndImport: `Here are the unit tests for the code:

${F}python
import unittest
from solution import add

class TestAdd(unittest.TestCase):
    # Two positive numbers
    def test_positive(self):
        self.assertEqual(add(2, 3), 5)

    def test_negative(self):
        # Two negatives
        self.assertEqual(add(-2, -3), -5)

if __name__ == '__main__':
    unittest.main()
${F}

These tests cover positive and negative inputs.`,
  copiedSolutionThenTests: `${F}python
import unittest
from typing import List

def add(a: int, b: int) -> int:
    return a + b

class TestAdd(unittest.TestCase):
    def test_zero(self):
        self.assertEqual(add(0, 0), 0)
${F}`,
  functionAfterClass: `${F}python
import unittest
from your_module import add

class TestAdd(unittest.TestCase):
    def test_hash_text(self):
        self.assertEqual(add("#", "#"), "##")
# The function under test
def add(a, b):
    import operator
    return operator.add(a, b)

if __name__ == "__main__":
    unittest.main(verbosity=2)
${F}`,
  twoClasses: `${F}python
import unittest

class TestAddSmall(unittest.TestCase):
    def test_one(self):
        self.assertEqual(add(1, 1), 2)

class TestAddLarge(unittest.TestCase):
    def test_big(self):
        self.assertEqual(add(10**9, 1), 10**9 + 1)
${F}`,
  noFence: `import unittest

class TestAdd(unittest.TestCase):
    def test_one(self):
        self.assertEqual(add(1, 1), 2)
`,
  twoFences: `First the solution:
${F}python
def add(a, b):
    return a + b
${F}
Then the tests:
${F}python
import unittest
class TestAdd(unittest.TestCase):
    def test_one(self):
        self.assertEqual(add(1, 1), 2)
${F}`,
};

describe("extractUnitTest, reference mode", () => {
  it("keeps a class that starts at offset 0 (CodeRM reduces it to the block's last character)", () => {
    const r = ok(extractUnitTest(responses.offsetZero));
    expect(r.classNames).toEqual(["TestSum"]);
    expect(r.text).toBe(
      "import unittest\n\nclass TestSum(unittest.TestCase):\n    def test_small(self):\n        self.assertEqual(add(1, 2), 3)",
    );
  });

  it("removes the __main__ guard and the solution import, keeps comments inside the class", () => {
    const r = ok(extractUnitTest(responses.guardAndImport));
    expect(r.text).not.toContain("__main__");
    expect(r.text).not.toContain("from solution");
    expect(r.text).toContain("    # Two positive numbers\n");
    expect(r.text.startsWith("import unittest\n\nclass TestAdd(unittest.TestCase):\n")).toBe(true);
    expect(r.droppedImports).toEqual(["from solution import add (solution module)"]);
  });

  it("drops the generator's copy of the solution but keeps the imports it needed", () => {
    const r = ok(extractUnitTest(responses.copiedSolutionThenTests));
    expect(r.text).not.toContain("def add");
    expect(r.text.split("\n").slice(0, 2)).toEqual(["import unittest", "from typing import List"]);
  });

  it("drops a function after the class, hoisting its imports, and keeps a last line containing '#'", () => {
    const r = ok(extractUnitTest(responses.functionAfterClass));
    expect(r.text).not.toContain("def add");
    expect(r.text).not.toContain("unittest.main");
    expect(r.text).toContain('self.assertEqual(add("#", "#"), "##")');
    expect(r.text.split("\n").slice(0, 2)).toEqual(["import unittest", "import operator"]);
    expect(r.droppedImports).toEqual(["from your_module import add (solution module)"]);
  });

  it("rejects two classes, no fence and two fences, each with its reason", () => {
    expect(extractUnitTest(responses.twoClasses)).toEqual({
      ok: false,
      reason: "2 classes (exactly one required)",
    });
    expect(extractUnitTest(responses.noFence)).toEqual({
      ok: false,
      reason: "no ```python or ``` code block",
    });
    expect(extractUnitTest(responses.twoFences)).toEqual({
      ok: false,
      reason: "2 code blocks (exactly one required)",
    });
  });

  it("counts nested classes like ast.walk does", () => {
    const code =
      "import unittest\nclass T(unittest.TestCase):\n    class Helper:\n        pass\n    def test_a(self):\n        pass\n";
    expect(unitTestFromCode(code)).toEqual({ ok: false, reason: "2 classes (exactly one required)" });
  });

  it("rejects code that does not compile and a class that is not a TestCase", () => {
    const bad = unitTestFromCode("class T(unittest.TestCase):\n    def test_a(self)\n        pass\n");
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.reason).toMatch(/^test code does not compile: \d+:\d+: /);
    expect(unitTestFromCode("class T:\n    def test_a(self):\n        pass\n")).toEqual({
      ok: false,
      reason: "class T does not subclass unittest.TestCase",
    });
  });

  it("drops imports that would shadow the entry point and relative imports", () => {
    const code =
      "from math import gcd, sqrt\nimport unittest\nfrom . import helpers\nfrom .mod import *\nclass T(unittest.TestCase):\n    def test_a(self):\n        self.assertEqual(gcd(4, 6), 2)\n";
    const r = unitTestFromCode(code, { entryPoint: "gcd" });
    if (!r.ok) throw new Error(r.reason);
    expect(r.text.split("\n\n")[0]).toBe("from math import sqrt\nimport unittest");
    expect(r.droppedImports).toEqual([
      "from math import gcd (shadows gcd)",
      "from . import helpers (solution module)",
      "from .mod import * (solution module)",
    ]);
  });

  it("re-emits one binding per line with aliases, keeps repeats, drops __future__", () => {
    const code =
      "from __future__ import annotations\nimport os, sys as system\nfrom collections import (Counter,\n    defaultdict as dd)\nimport unittest\nimport os\nclass T(unittest.TestCase):\n    def test_a(self):\n        import os\n";
    const r = unitTestFromCode(code);
    if (!r.ok) throw new Error(r.reason);
    expect(r.text.split("\n\n")[0]).toBe(
      "import os\nimport sys as system\nfrom collections import Counter\nfrom collections import defaultdict as dd\nimport unittest\nimport os\nimport os",
    );
    expect(r.droppedImports).toEqual(["from __future__ import annotations (must open the program)"]);
  });

  it("keeps a decorated class whole", () => {
    const r = unitTestFromCode(
      "import unittest\n@unittest.skipIf(False, 'never')\nclass T(unittest.TestCase):\n    def test_a(self):\n        pass\n",
    );
    if (!r.ok) throw new Error(r.reason);
    expect(r.text).toContain("@unittest.skipIf(False, 'never')\nclass T(");
  });
});

describe("extractUnitTest, all-classes mode", () => {
  it("keeps every TestCase subclass and drops helper classes and functions", () => {
    const r = ok(extractUnitTest(responses.twoClasses, { mode: "all-classes" }));
    expect(r.classNames).toEqual(["TestAddSmall", "TestAddLarge"]);
    const code =
      "import unittest\nclass Node:\n    pass\nclass Base(unittest.TestCase):\n    def test_base(self):\n        pass\nclass T(Base):\n    def test_t(self):\n        pass\ndef add(a, b):\n    return a + b\n";
    const all = unitTestFromCode(code, { mode: "all-classes" });
    if (!all.ok) throw new Error(all.reason);
    expect(all.classNames).toEqual(["Base", "T"]);
    expect(all.text).not.toContain("class Node");
    expect(all.text).not.toContain("def add");
  });

  it("keeps only the last definition of a class defined twice (Python's namespace does the same)", () => {
    const twice =
      "import unittest\nclass T(unittest.TestCase):\n    def test_old(self):\n        pass\nclass T(unittest.TestCase):\n    def test_new(self):\n        pass\n";
    expect(unitTestFromCode(twice)).toEqual({ ok: false, reason: "2 classes (exactly one required)" });
    const all = unitTestFromCode(twice, { mode: "all-classes" });
    if (!all.ok) throw new Error(all.reason);
    expect(all.classNames).toEqual(["T"]);
    expect(all.text).not.toContain("test_old");
    expect(describeTestClass(twice)).toEqual({
      ok: true,
      classes: [{ name: "T", methods: ["test_new"] }],
      testCount: 1,
    });
  });

  it("rejects a block without any TestCase subclass", () => {
    expect(unitTestFromCode("class Node:\n    pass\n", { mode: "all-classes" })).toEqual({
      ok: false,
      reason: "no unittest.TestCase subclass",
    });
  });
});

describe("describeTestClass", () => {
  it("lists TestCase classes with their test methods, sorted as unittest runs them", () => {
    const d = describeTestClass(
      "import unittest\nclass T(unittest.TestCase):\n    def test_b(self): pass\n    def helper(self): pass\n    def test_a(self): pass\n    @unittest.skip('x')\n    def test_c(self): pass\n    async def test_d(self): pass\n",
    );
    expect(d).toEqual({
      ok: true,
      classes: [{ name: "T", methods: ["test_a", "test_b", "test_c", "test_d"] }],
      testCount: 4,
    });
  });

  it("counts a redefined method once and includes methods inherited from in-source TestCases", () => {
    const d = describeTestClass(
      "from unittest import TestCase\nclass A(TestCase):\n    def test_x(self): pass\n    def test_x(self): pass\nclass B(A):\n    def test_y(self): pass\nclass NotATest:\n    def test_z(self): pass\n",
    );
    expect(d).toEqual({
      ok: true,
      classes: [
        { name: "A", methods: ["test_x"] },
        { name: "B", methods: ["test_x", "test_y"] },
      ],
      testCount: 3,
    });
  });

  it("ignores test-like text in strings and comments, and rejects code that does not compile", () => {
    const d = describeTestClass(
      'import unittest\nclass T(unittest.TestCase):\n    """def test_fake(self): pass"""\n    # def test_comment(self): pass\n    def test_real(self): pass\n',
    );
    expect(d.ok && d.testCount).toBe(1);
    expect(describeTestClass("class T(:\n").ok).toBe(false);
  });
});

describe("dedupeTests", () => {
  it("keeps the first of equal texts and reports every dropped copy", () => {
    const a = ok(extractUnitTest(responses.guardAndImport)).text;
    // Different responses, same test after extraction (guard and prose differ).
    const b = ok(
      extractUnitTest(responses.guardAndImport.replace("unittest.main()", "unittest.main(exit=False)")),
    ).text;
    const c = ok(extractUnitTest(responses.offsetZero)).text;
    expect(dedupeTests([a, c, b, a])).toEqual({
      kept: [0, 1],
      dropped: [
        { index: 2, duplicateOf: 0 },
        { index: 3, duplicateOf: 0 },
      ],
    });
    expect(dedupeTests([])).toEqual({ kept: [], dropped: [] });
  });
});
