/**
 * What generated tests do, across the judge/candidate split: each pair here has an honest test; the solution
 * runs in a candidate process and the test in the judge. Right solutions must pass, wrong ones fail, and what
 * cannot cross is `unsupported`, never a pass.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PairInput, type PairOutcome, Sandbox } from "../../src/sandbox/index.js";
import { ut } from "./helpers.js";

let sb: Sandbox;
beforeAll(async () => {
  sb = await Sandbox.start({ workers: 2, details: true });
});
afterAll(async () => {
  await sb?.close();
});

async function run(pairs: PairInput[]): Promise<Map<string, PairOutcome>> {
  const out = new Map<string, PairOutcome>();
  for await (const o of sb.run(pairs)) out.set(o.id, o);
  return out;
}

function expectVerdicts(r: Map<string, PairOutcome>, want: Record<string, string>) {
  for (const [id, v] of Object.entries(want)) {
    const o = r.get(id);
    expect(o, id).toBeDefined();
    expect(`${id}: ${o!.verdict}`, o!.stderr).toBe(`${id}: ${v}`);
  }
}

describe("the split carries what tests do", () => {
  it("functions, Solution classes and instances, static methods, constants", async () => {
    const sol = [
      "MOD = 10 ** 9 + 7",
      "class Solution:",
      "    def twoSum(self, nums, target):",
      "        seen = {}",
      "        for i, n in enumerate(nums):",
      "            if target - n in seen:",
      "                return [seen[target - n], i]",
      "            seen[n] = i",
      "    @staticmethod",
      "    def double(x):",
      "        return 2 * x",
      "class Counter2:",
      "    def __init__(self):",
      "        self.n = 0",
      "    def inc(self, k=1):",
      "        self.n += k",
      "        return self.n",
      "def power(b, e):",
      "    return pow(b, e, MOD)",
    ].join("\n");
    const r = await run([
      ut("method", sol, ["self.assertEqual(Solution().twoSum([2, 7, 11, 15], 9), [0, 1])"]),
      {
        id: "setup",
        solution: sol,
        format: "unittest",
        test: "import unittest\nclass T(unittest.TestCase):\n    def setUp(self):\n        self.s = Solution()\n    def test_a(self):\n        self.assertEqual(self.s.twoSum([3, 3], 6), [0, 1])\n",
      },
      ut("static", sol, ["self.assertEqual(Solution.double(21), 42)"]),
      ut("instance", sol, [
        "c = Counter2()",
        "c.inc()",
        "self.assertEqual(c.inc(2), 3)",
        "self.assertEqual(c.n, 3)",
      ]),
      ut("constant", sol, [
        "self.assertEqual(power(2, 10), 1024 % MOD)",
        "self.assertEqual(MOD, 1000000007)",
      ]),
      ut("isinstance", sol, ["self.assertIsInstance(Solution(), Solution)"]),
      ut("wrong", sol, ["self.assertEqual(Solution().twoSum([2, 7, 11, 15], 9), [1, 0])"]),
    ]);
    expectVerdicts(r, {
      method: "pass",
      setup: "pass",
      static: "pass",
      instance: "pass",
      constant: "pass",
      isinstance: "pass",
      wrong: "fail",
    });
  });

  it("plain values of every codec type, shared references, big ints, floats and NaN", async () => {
    const sol = [
      "from collections import OrderedDict, Counter, defaultdict, deque",
      "from fractions import Fraction",
      "from decimal import Decimal",
      "def echo(x):",
      "    return x",
      "def shared():",
      "    a = [1]",
      "    return [a, a]",
      "def cyc():",
      "    a = []",
      "    a.append(a)",
      "    return a",
      "def kinds():",
      "    d = defaultdict(list)",
      "    d['a'].append(1)",
      "    return (Counter('aab'), d, OrderedDict(b=1), deque([1, 2], maxlen=3), Fraction(1, 3), Decimal('1.10'),",
      "            {1, 2}, frozenset({3}), b'\\x00\\xff', bytearray(b'ab'), 1 + 2j, range(3), 2 ** 20000,",
      "            float('nan'), -0.0, {'k': [1, (2, 3)]}, {'a': 1}.keys(), {'a': 1}.items())",
    ].join("\n");
    const r = await run([
      ut("kinds", sol, [
        "c, d, od, q, fr, dec, s, fs, b, ba, z, rg, big, nan, nz, nest, ks, its = kinds()",
        "from collections import OrderedDict, Counter, defaultdict, deque",
        "from fractions import Fraction",
        "from decimal import Decimal",
        "self.assertEqual(type(c), Counter); self.assertEqual(c, Counter('aab'))",
        "self.assertEqual(type(d), defaultdict); self.assertEqual(d, {'a': [1]}); self.assertEqual(d['z'], [])",
        "self.assertEqual(type(od), OrderedDict); self.assertEqual(q, deque([1, 2])); self.assertEqual(q.maxlen, 3)",
        "self.assertEqual(fr, Fraction(1, 3)); self.assertEqual(str(dec), '1.10')",
        "self.assertEqual((s, fs, b, ba, z, rg), ({1, 2}, frozenset({3}), b'\\x00\\xff', bytearray(b'ab'), 1 + 2j, range(3)))",
        "self.assertEqual(big, 2 ** 20000); self.assertNotEqual(nan, nan); self.assertEqual(str(nz), '-0.0')",
        "self.assertEqual(nest, {'k': [1, (2, 3)]}); self.assertEqual(ks, {'a'}); self.assertEqual(list(its), [('a', 1)])",
        "x = shared(); self.assertIs(x[0], x[1])",
        "y = cyc(); self.assertIs(y[0], y)",
        "self.assertEqual(echo([1, 'a', None, True, 1.5]), [1, 'a', None, True, 1.5])",
        "self.assertIs(type(echo(True)), bool)",
      ]),
    ]);
    expectVerdicts(r, { kinds: "pass" });
  });

  it("mutated arguments come back in place, identity kept", async () => {
    const sol = [
      "def sort_in_place(xs):",
      "    xs.sort()",
      "def zero(grid):",
      "    for row in grid:",
      "        for j in range(len(row)):",
      "            row[j] = 0",
      "def fill(d):",
      "    d['x'] = 1",
      "    return d",
      "def wrong_sort(xs):",
      "    xs.reverse()",
    ].join("\n");
    const r = await run([
      ut("list", sol, [
        "a = [3, 1, 2]",
        "self.assertIsNone(sort_in_place(a))",
        "self.assertEqual(a, [1, 2, 3])",
      ]),
      ut("nested", sol, [
        "g = [[1, 2], [3, 4]]",
        "row = g[0]",
        "zero(g)",
        "self.assertEqual(g, [[0, 0], [0, 0]])",
        "self.assertIs(g[0], row)",
      ]),
      ut("dict", sol, ["d = {}", "self.assertIs(fill(d), d)", "self.assertEqual(d, {'x': 1})"]),
      ut("wrong", sol, ["a = [3, 1, 2]", "wrong_sort(a)", "self.assertEqual(a, [1, 2, 3])"]),
    ]);
    expectVerdicts(r, { list: "pass", nested: "pass", dict: "pass", wrong: "fail" });
  });

  it("callbacks into the judge, generators (lazy, capped), print and input", async () => {
    const sol = [
      "def apply(f, xs):",
      "    return [f(x) for x in xs]",
      "def squares(n):",
      "    for i in range(n):",
      "        yield i * i",
      "def naturals():",
      "    i = 0",
      "    while True:",
      "        yield i",
      "        i += 1",
      "def hello(name):",
      "    print('hello', name)",
      "    print(3, end='!')",
      "def ask():",
      "    a = input('a? ')",
      "    b = input()",
      "    return int(a) + int(b)",
      "def read_all():",
      "    import sys",
      "    return sys.stdin.read().split()",
    ].join("\n");
    const r = await run([
      ut("callback", sol, ["self.assertEqual(apply(lambda v: v + 1, [1, 2]), [2, 3])"]),
      ut("callback-raises", sol, [
        "def bad(v):",
        "    raise KeyError(v)",
        "with self.assertRaises(KeyError):",
        "    apply(bad, [1])",
      ]),
      ut("generator", sol, ["self.assertEqual(list(squares(5)), [0, 1, 4, 9, 16])"]),
      ut("infinite", sol, [
        "import itertools",
        "self.assertEqual(list(itertools.islice(naturals(), 1000)), list(range(1000)))",
      ]),
      ut("print", sol, [
        "import io",
        "from unittest.mock import patch",
        "with patch('sys.stdout', new_callable=io.StringIO) as out:",
        "    hello('bob')",
        "self.assertEqual(out.getvalue(), 'hello bob\\n3!')",
      ]),
      ut("print-mock", sol, [
        "from unittest.mock import patch",
        "with patch('builtins.print') as p:",
        "    hello('amy')",
        "p.assert_any_call('hello', 'amy')",
      ]),
      ut("input", sol, [
        "from unittest.mock import patch",
        "with patch('builtins.input', side_effect=['2', '40']):",
        "    self.assertEqual(ask(), 42)",
      ]),
      ut("stdin", sol, [
        "import io",
        "from unittest.mock import patch",
        "with patch('sys.stdin', io.StringIO('x y\\nz')):",
        "    self.assertEqual(read_all(), ['x', 'y', 'z'])",
      ]),
      ut("no-input", sol, ["with self.assertRaises(EOFError):", "    ask()"]),
    ]);
    expectVerdicts(r, {
      callback: "pass",
      "callback-raises": "pass",
      generator: "pass",
      infinite: "pass",
      print: "pass",
      "print-mock": "pass",
      input: "pass",
      stdin: "pass",
      "no-input": "pass",
    });
  });

  it("exceptions cross as their builtin types; solution exception classes get stand-ins", async () => {
    const sol = [
      "class InsufficientFunds(ValueError):",
      "    pass",
      "def withdraw(balance, x):",
      "    if x > balance:",
      "        raise InsufficientFunds(f'need {x - balance} more')",
      "    return balance - x",
      "def parse(s):",
      "    return int(s)",
      "def lookup(d, k):",
      "    return d[k]",
      "def stop():",
      "    import sys",
      "    sys.exit(3)",
    ].join("\n");
    const r = await run([
      ut("builtin", sol, ["with self.assertRaises(ValueError):", "    parse('x')"]),
      ut("regex", sol, ["with self.assertRaisesRegex(ValueError, 'invalid literal'):", "    parse('x')"]),
      ut("keyerror", sol, [
        "with self.assertRaises(KeyError) as cm:",
        "    lookup({}, 'k')",
        "self.assertEqual(str(cm.exception), \"'k'\")",
      ]),
      ut("standin", sol, [
        "with self.assertRaises(InsufficientFunds):",
        "    withdraw(1, 5)",
        "with self.assertRaises(ValueError) as cm:",
        "    withdraw(1, 5)",
        "self.assertIn('need 4 more', str(cm.exception))",
        "self.assertEqual(withdraw(5, 1), 4)",
      ]),
      ut("sysexit", sol, ["stop()"]),
      ut("unexpected", sol, ["self.assertEqual(parse('x'), 1)"]),
    ]);
    expectVerdicts(r, {
      builtin: "pass",
      regex: "pass",
      keyerror: "pass",
      standin: "pass",
      sysexit: "error",
      unexpected: "error",
    });
  });

  it("LeetCode-style classes defined only by the test work through the judge", async () => {
    const listNode =
      "class ListNode:\n    def __init__(self, val=0, next=None):\n        self.val = val\n        self.next = next\n" +
      "def build(xs):\n    head = None\n    for x in reversed(xs):\n        head = ListNode(x, head)\n    return head\n" +
      "def to_list(h):\n    out = []\n    while h:\n        out.append(h.val)\n        h = h.next\n    return out\n";
    const sol = [
      "def reverse(head):",
      "    prev = None",
      "    while head:",
      "        nxt = head.next",
      "        head.next = prev",
      "        prev, head = head, nxt",
      "    return prev",
      "def make(n):",
      "    dummy = ListNode(0)",
      "    cur = dummy",
      "    for i in range(n):",
      "        cur.next = ListNode(i)",
      "        cur = cur.next",
      "    return dummy.next",
    ].join("\n");
    const r = await run([
      ut("reverse", sol, ["self.assertEqual(to_list(reverse(build([1, 2, 3]))), [3, 2, 1])"], listNode),
      ut("construct", sol, ["self.assertEqual(to_list(make(3)), [0, 1, 2])"], listNode),
      ut(
        "wrong",
        "def reverse(head):\n    return head\n",
        ["self.assertEqual(to_list(reverse(build([1, 2]))), [2, 1])"],
        listNode,
      ),
    ]);
    expectVerdicts(r, { reverse: "pass", construct: "pass", wrong: "fail" });
  });

  it("what cannot cross is unsupported, with its reason, never a pass", async () => {
    const sol = [
      "class P:",
      "    def __init__(self, x):",
      "        self.x = x",
      "    def __eq__(self, o):",
      "        return True",
      "def make(x):",
      "    return P(x)",
      "def uses_test_value():",
      "    return EXPECTED",
    ].join("\n");
    const r = await run([
      ut("compare", sol, ["self.assertEqual(make(1), make(1))"]),
      ut("truth", sol, ["self.assertTrue(make(1))"]),
      ut("hash", sol, ["s = {make(1)}"]),
      ut("test-global", sol, ["self.assertEqual(uses_test_value(), 3)"], "EXPECTED = 3"),
      ut("attr-ok", sol, ["self.assertEqual(make(5).x, 5)"]),
    ]);
    expectVerdicts(r, {
      compare: "unsupported",
      truth: "unsupported",
      hash: "unsupported",
      "test-global": "unsupported",
      "attr-ok": "pass",
    });
    for (const id of ["compare", "truth", "hash", "test-global"])
      expect(r.get(id)!.stderr, id).toMatch(/^unsupported: /);
  });

  it("gives a solution called from a test the reference's recursion headroom", async () => {
    const sol =
      "def rec(n):\n    try:\n        return rec(n + 1)\n    except RecursionError:\n        return n\n";
    const r = await run([ut("depth", sol, ["self.assertEqual(rec(0), 963)"])]);
    expectVerdicts(r, { depth: "pass" });
  });

  it("assert cases run in the judge against the candidate", async () => {
    const sol =
      "def add(a, b):\n    return a + b\nclass Solution:\n    def f(self, x):\n        return x * 2\n";
    const r = await run([
      {
        id: "cases",
        solution: sol,
        format: "assert",
        test: ["assert add(1, 2) == 3", "assert Solution().f(2) == 4", "assert add([1], [2]) == [1, 2]"],
      },
      { id: "wrong", solution: sol, format: "assert", test: ["assert add(1, 2) == 4"] },
    ]);
    expectVerdicts(r, { cases: "pass", wrong: "fail" });
  });
});
