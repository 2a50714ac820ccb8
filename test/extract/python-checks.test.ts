import { spawnSync } from "node:child_process";
import { beforeAll, describe, expect, it } from "vitest";
import { compileError } from "../../src/extract/python-checks.js";
import { initPython } from "../../src/extract/python-parser.js";

beforeAll(() => initPython());

/** Snippets where tree-sitter alone would disagree with CPython, and controls that must compile. */
const SNIPPETS = [
  // statements broken outside brackets, indentation
  "assert \n    f(1) == 2",
  "try:\n    assert \n        f(1) == 2\nexcept:\n    pass\n",
  "try:\n    assert f(1) == 2\n        x = 3\nexcept:\n    pass\n",
  "if x:\n    y\n  z\n",
  "  x = 1\n",
  "x = (1,\n2)\ny = 3 \\\n + 4\n",
  "assert f(1) == 2, \\\n    'message'\n",
  "assert f(1) == 2, \\\n\t'message'\n",
  "assert f(\n1) == 2  # c\n# d\nassert g(1)\n",
  "x = 1; y = 2\nclass A:\n    def f(self):\n        pass\n\n    # c\n    def g(self): pass\n",
  '@dec\ndef f(x):\n    """doc\n  x"""\n    return [\n  1,\n]\n',
  "for i in a:\n    if i:\n        break\n    else:\n        continue\nelse:\n    pass\n",
  // Python 2 forms
  "assert 1 <> 2",
  'print "x"',
  'exec "x = 1"',
  "x = 0777",
  "x = 00",
  "x = 0x1F + 0o17 + 0b1 + 1_000",
  "x = 10L",
  // arguments, comprehensions
  "assert f(a=1, 2)",
  "assert f(**k, 2)",
  "assert f(*a, **k, *b)",
  "assert f(1, *a, b=2, **k)",
  "assert f(x for x in y, 1)",
  "assert f(x for x in y)",
  "x = [y for y in a, b]",
  "x = [y for y in (a, b)]",
  // scope rules
  "return 3",
  "def f():\n    return 3\n",
  "x = lambda: (yield)",
  "yield 1",
  "break",
  "while True:\n    def f():\n        break\n",
  "async def f():\n    await g()\n",
  "await g()",
  // __future__
  "from __future__ import annotations\nimport os\n",
  '"""doc"""\nfrom __future__ import annotations\n',
  "import os\nfrom __future__ import annotations\n",
  // string escapes, clauses, imports, parameters, annotations
  'x = "a\\ub"',
  'x = r"a\\ub"',
  'x = b"a\\ub"',
  'x = "a\\\\ub"',
  'x = "\\u00e9\\N{BULLET}\\x41\\U0001F600"',
  'x = b"\\x4"',
  '"""doc \\user"""',
  "try:\n    x = 1\n",
  "try:\n    x = 1\nfinally:\n    pass\n",
  "for x in y:\n        pass\n    else:\n        pass\n",
  "if a:\n    pass\n  else:\n    pass\n",
  "from a import b,",
  "import os,",
  "from a import (b,)",
  "def f(a=1, b):\n    pass\n",
  "def f(a=1, *, b):\n    pass\n",
  "g = lambda a=1, b: 0",
  "def f(nu:mbers: str) -> str:\n    pass\n",
  // plain syntax errors
  "assert f(x) == 1,",
  'assert "abc',
  "f(x) = 3",
  "class T(:\n",
  "class A:\n    def f(self):",
  "def f():\n# c\nx = 1\n",
  "if x: pass\nelse:\n    # only a comment\n    pass\n",
  "assert f('é') == '😀'\nassert g(1)",
];

function cpythonCompiles(snippets: string[]): boolean[] {
  const code = `
import json, sys
out = []
for s in json.load(sys.stdin):
    try:
        compile(s, "", "exec")
        out.append(True)
    except Exception:
        out.append(False)
print(json.dumps(out))
`;
  const run = spawnSync("/usr/bin/python3", ["-W", "ignore", "-c", code], {
    input: JSON.stringify(snippets),
    encoding: "utf8",
  });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout);
}

describe("compileError agrees with CPython's compile()", () => {
  it("on every snippet of the gap list", () => {
    const expected = cpythonCompiles(SNIPPETS);
    const ours = SNIPPETS.map((s) => compileError(s) === undefined);
    const disagreements = SNIPPETS.filter((_, i) => ours[i] !== expected[i]).map((s) => ({
      s,
      why: compileError(s),
    }));
    expect(disagreements).toEqual([]);
    // The list is not trivially one-sided.
    expect(expected.filter(Boolean).length).toBeGreaterThan(10);
    expect(expected.filter((x) => !x).length).toBeGreaterThan(10);
  });

  it("says where and why", () => {
    expect(compileError("assert \n    f(1) == 2")).toBe(
      '2:5: statement continues on a new line outside brackets ("f")',
    );
    expect(compileError("x = 1\n  y = 2")).toBe("2:3: unexpected indent");
    expect(compileError("assert f(a=1, 2)")).toBe("1:15: positional argument follows keyword argument");
    expect(compileError("def f():\n    return 1\n")).toBeUndefined();
  });
});
