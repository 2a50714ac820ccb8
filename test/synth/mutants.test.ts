import { beforeAll, describe, expect, it } from "vitest";
import { compileError, initPython } from "../../src/extract/index.js";
import { generateMutants } from "../../src/synth/mutants.js";
import type { MutationOperator } from "../../src/synth/mutation-operators.js";

beforeAll(() => initPython());

const only = (source: string, op: MutationOperator) =>
  generateMutants(source, { operators: [op] }).mutants.map((m) => m.code);

describe("mutation operators", () => {
  it("comparison: negates every comparison operator", () => {
    const src = "def f(a, b):\n    return a == b or a < b or a in b or a is not b\n";
    expect(only(src, "comparison")).toEqual([
      "def f(a, b):\n    return a != b or a < b or a in b or a is not b\n",
      "def f(a, b):\n    return a == b or a >= b or a in b or a is not b\n",
      "def f(a, b):\n    return a == b or a < b or a not in b or a is not b\n",
      "def f(a, b):\n    return a == b or a < b or a in b or a is b\n",
    ]);
  });

  it("boundary: moves < and > by one", () => {
    expect(only("def f(a):\n    return 0 < a >= 3\n", "boundary")).toEqual([
      "def f(a):\n    return 0 <= a >= 3\n",
      "def f(a):\n    return 0 < a > 3\n",
    ]);
  });

  it("arithmetic: binary and augmented operators", () => {
    expect(only("def f(a):\n    a += 2\n    return a * 3 // 4\n", "arithmetic")).toEqual([
      "def f(a):\n    a -= 2\n    return a * 3 // 4\n",
      "def f(a):\n    a += 2\n    return a / 3 // 4\n",
      "def f(a):\n    a += 2\n    return a * 3 / 4\n",
    ]);
  });

  it("constant: off-by-one on integer literals (hex and underscores too), never below zero", () => {
    expect(only("def f(a):\n    return a[0] + 0x10 + 1_000\n", "constant")).toEqual([
      "def f(a):\n    return a[1] + 0x10 + 1_000\n",
      "def f(a):\n    return a[0] + 17 + 1_000\n",
      "def f(a):\n    return a[0] + 15 + 1_000\n",
      "def f(a):\n    return a[0] + 0x10 + 1001\n",
      "def f(a):\n    return a[0] + 0x10 + 999\n",
    ]);
  });

  it("return: negates boolean-looking values, else returns None", () => {
    const src =
      "def f(a):\n    if a:\n        return True\n    if a > 1:\n        return a > 2\n    return a + 1\n";
    expect(only(src, "return")).toEqual([
      src.replace("return True", "return False"),
      src.replace("return a > 2", "return not (a > 2)"),
      src.replace("return a + 1", "return None"),
    ]);
    expect(only("def f():\n    return\n", "return")).toEqual([]);
  });

  it("delete: replaces simple statements by pass, never docstrings, imports or pass", () => {
    const src =
      'import math\n\ndef f(xs):\n    """Sum."""\n    total = 0\n    for x in xs:\n        total += x\n        pass\n    return total\n';
    expect(only(src, "delete")).toEqual([
      src.replace("total = 0", "pass"),
      src.replace("total += x", "pass"),
    ]);
  });

  it("logical: and/or swap and not-removal", () => {
    expect(only("def f(a, b):\n    return a and not b\n", "logical")).toEqual([
      "def f(a, b):\n    return a or not b\n",
      "def f(a, b):\n    return a and (b)\n",
    ]);
  });
});

describe("generateMutants", () => {
  const source =
    "def below_zero(operations):\n    balance = 0\n    for op in operations:\n        balance += op\n        if balance < 0:\n            return True\n    return False\n";

  it("every mutant compiles and differs from the original", () => {
    const { mutants, stats } = generateMutants(source);
    expect(mutants.length).toBe(stats.valid);
    expect(mutants.length).toBeGreaterThan(8);
    for (const m of mutants) {
      expect(compileError(m.code)).toBeUndefined();
      expect(m.code).not.toBe(source);
    }
    expect(new Set(mutants.map((m) => m.code)).size).toBe(mutants.length);
    expect(new Set(mutants.map((m) => m.id)).size).toBe(mutants.length);
  });

  it("is deterministic per seed and samples a subset", () => {
    const a = generateMutants(source, { max: 5, seed: 7 });
    const b = generateMutants(source, { max: 5, seed: 7 });
    const c = generateMutants(source, { max: 5, seed: 8 });
    expect(a.mutants).toEqual(b.mutants);
    expect(a.mutants).toHaveLength(5);
    expect(a.mutants.map((m) => m.id)).not.toEqual(c.mutants.map((m) => m.id));
    // A sample keeps source order.
    const all = generateMutants(source).mutants.map((m) => m.id);
    const pos = a.mutants.map((m) => all.indexOf(m.id));
    expect([...pos].sort((x, y) => x - y)).toEqual(pos);
  });
});
