import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PairOutcome, Sandbox } from "../../src/sandbox/index.js";
import { ADD, ut } from "./helpers.js";

let sb: Sandbox;
beforeAll(async () => {
  sb = await Sandbox.start({ workers: 2, details: true });
});
afterAll(async () => {
  await sb?.close();
});

async function run(pairs: Parameters<Sandbox["run"]>[0]): Promise<Map<string, PairOutcome>> {
  const out = new Map<string, PairOutcome>();
  for await (const o of sb.run(pairs)) out.set(o.id, o);
  return out;
}

describe("verdicts", () => {
  it("gives pass, fail, error, timeout, crash and invalid, with per-method cases", async () => {
    const r = await run([
      ut("pass", ADD, ["self.assertEqual(add(1, 2), 3)", "assert add(2, 2) == 4"]),
      ut("fail", ADD, "self.assertEqual(add(1, 2), 4)"),
      ut("error", ADD, "add(1)"),
      ut("timeout", ADD, "while True: pass"),
      ut("crash", ADD, "import os, signal; os.kill(os.getpid(), signal.SIGSEGV)"),
      ut("invalid", ADD, "self.assertEqual(add(1, 2), 3"),
      {
        id: "two",
        solution: ADD,
        format: "unittest",
        test: "import unittest\nclass T(unittest.TestCase):\n    def test_b(self):\n        self.assertEqual(add(1,1), 3)\n    def test_a(self):\n        pass\n",
      },
    ]);
    expect(r.get("pass")).toMatchObject({
      verdict: "pass",
      passed: true,
      cases: [{ name: "test_it", verdict: "pass" }],
    });
    expect(r.get("fail")).toMatchObject({ verdict: "fail", passed: false });
    expect(r.get("fail")!.stderr).toContain("3 != 4");
    expect(r.get("error")).toMatchObject({ verdict: "error", passed: false });
    expect(r.get("error")!.stderr).toContain("TypeError");
    expect(r.get("timeout")).toMatchObject({ verdict: "timeout", passed: false });
    expect(r.get("timeout")!.duration_ms).toBeGreaterThanOrEqual(900);
    expect(r.get("crash")).toMatchObject({ verdict: "crash", passed: false });
    expect(r.get("invalid")).toMatchObject({ verdict: "invalid", passed: false });
    // loader order (sorted), every method reported
    expect(r.get("two")!.cases).toEqual([
      { name: "test_a", verdict: "pass" },
      { name: "test_b", verdict: "fail" },
    ]);
  });

  it("decides a solution that fails to load once, with the load's verdict", async () => {
    const r = await run([
      ut("syntax", "def add(a, b:\n    return 1\n", "pass"),
      ut("raises1", "raise ValueError('at import')\n", "pass"),
      ut("raises2", "raise ValueError('at import')\n", "self.assertTrue(True)"),
      ut("hangs", "while True:\n    pass\n", "pass"),
    ]);
    expect(r.get("syntax")!.verdict).toBe("invalid");
    expect(r.get("raises1")!.verdict).toBe("error");
    expect(r.get("raises2")!.verdict).toBe("error");
    expect(r.get("raises2")!.stderr).toContain("at import");
    expect(r.get("hangs")!.verdict).toBe("timeout");
  });

  it("runs assert cases each with its own verdict (0.1 s each)", async () => {
    const r = await run([
      {
        id: "a",
        solution: ADD,
        format: "assert",
        test: ["assert add(1, 2) == 3", "assert add(1, 1) == 3", "assert add(1) == 1"],
      },
      { id: "b", solution: ADD, format: "assert", test: "assert add(1, 2) == 3\nassert add(0, 0) == 0\n" },
      { id: "slow", solution: ADD, format: "assert", test: ["assert add(1, 2) == 3", "while True: pass"] },
      { id: "bad", solution: ADD, format: "assert", test: ["assert add(1, 2) == 3", "assert add(1,"] },
    ]);
    expect(r.get("a")!.cases!.map((c) => c.verdict)).toEqual(["pass", "fail", "error"]);
    expect(r.get("a")!.verdict).toBe("fail");
    expect(r.get("b")).toMatchObject({ verdict: "pass", passed: true });
    expect(r.get("slow")!.cases!.map((c) => c.verdict)).toEqual(["pass", "timeout"]);
    expect(r.get("bad")!.cases!.map((c) => c.verdict)).toEqual(["pass", "invalid"]);
  });

  it("keeps the reference's program semantics", async () => {
    const r = await run([
      // no __name__ in the reference's globals: the guard is skipped, unittest.main() never runs
      ut(
        "guard",
        ADD,
        "self.assertEqual(add(1, 2), 3)",
        "if __name__ == '__main__':\n    raise SystemExit(1)",
      ),
      ut("input", ADD, "with self.assertRaises(EOFError):\n    input()"),
      ut("sysexit", ADD, "import sys; sys.exit(0)"),
      ut("depth", ADD, [
        "def r(n):",
        "    try:",
        "        return r(n + 1)",
        "    except RecursionError:",
        "        return n",
        "self.assertEqual(r(0), 963)", // the reference allows 963 here (bench/reference_exec.py)
      ]),
      {
        id: "empty",
        solution: ADD,
        format: "unittest",
        test: "import unittest\nclass T(unittest.TestCase):\n    pass\n",
      },
      {
        id: "xfail",
        solution: ADD,
        format: "unittest",
        test: "import unittest\nclass T(unittest.TestCase):\n    @unittest.expectedFailure\n    def test_x(self):\n        self.assertEqual(add(1, 1), 3)\n",
      },
      {
        id: "runner",
        solution: ADD,
        format: "unittest",
        test: "import unittest\nclass TestAdd(unittest.TestCase):\n    def test_a(self):\n        self.assertEqual(add(1, 2), 3)\n\nsuite = unittest.TestLoader().loadTestsFromTestCase(TestAdd)\nrunner = unittest.TextTestRunner(stream=output, verbosity=2)\nresult = runner.run(suite)\nlocals_dict['result'] = result\n",
      },
      {
        id: "future",
        solution: ADD,
        format: "unittest",
        test: "from __future__ import annotations\nimport unittest\nclass T(unittest.TestCase):\n    def test_a(self):\n        pass\n",
      },
    ]);
    expect(r.get("guard")!.verdict).toBe("pass");
    expect(r.get("input")!.verdict).toBe("pass");
    expect(r.get("sysexit")!.verdict).toBe("error");
    expect(r.get("depth")!.verdict, r.get("depth")!.stderr).toBe("pass");
    expect(r.get("empty")!.verdict).toBe("pass");
    expect(r.get("xfail")!.verdict).toBe("pass");
    expect(r.get("runner")!.verdict).toBe("pass");
    expect(r.get("future")!.verdict).toBe("invalid");
  });

  it("loads a solution as its own compile would: a compile-time SyntaxWarning still reaches the pair's stderr", async () => {
    // The worker ships its compile of the solution (marshalled) to candidates, except when that compile warned
    // (the candidate compiles again and prints it) or holds a frozenset constant (see determinism.test.ts).
    const warns = "def f(a):\n    return a is 1\n";
    const plain = "def f(a):\n    return a == 1\n";
    const r = await run([
      ut("warns", warns, "self.assertTrue(f(1))"),
      ut("plain", plain, "self.assertTrue(f(1))"),
    ]);
    expect(r.get("warns")?.verdict).toBe("pass");
    expect(r.get("warns")?.stderr).toContain('<solution>:2: SyntaxWarning: "is" with a literal');
    expect(r.get("plain")?.verdict).toBe("pass");
    expect(r.get("plain")?.stderr ?? "").toBe("");
  });

  it("dedupes identical pairs but answers every id", async () => {
    const pairs = Array.from({ length: 5 }, (_, i) => ut(`dup${i}`, ADD, "self.assertEqual(add(1, 2), 3)"));
    const r = await run(pairs);
    expect([...r.keys()].sort()).toEqual(["dup0", "dup1", "dup2", "dup3", "dup4"]);
    for (const o of r.values()) expect(o.verdict).toBe("pass");
  });

  it("does not let one test's state leak into the next in a batch", async () => {
    const sol = "CACHE = []\ndef add(a, b):\n    CACHE.append(a)\n    return a + b + len(CACHE) - 1\n";
    const pairs = Array.from({ length: 4 }, (_, i) =>
      ut(`leak${i}`, sol, `self.assertEqual(add(${i}, 1), ${i + 1})`),
    );
    const r = await run(pairs);
    for (const o of r.values()) expect(o.verdict, o.id).toBe("pass");
  });
});
