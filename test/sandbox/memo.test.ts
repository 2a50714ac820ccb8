import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PairOutcome, Sandbox } from "../../src/sandbox/index.js";
import { ut } from "./helpers.js";

// A stateless solution's calls are remembered per job (same arguments, same outcome); these pairs check that
// remembering never changes a verdict: timeouts stay timeouts, time is still charged, mutation still shows.
const LOOPS = "def f(x):\n    while x:\n        pass\n    return 7\n";
const SLOW = "def work(n):\n    s = 0\n    for i in range(n):\n        s += i % 7\n    return s\n";
const APPEND = "def push(xs, v):\n    xs.append(v)\n    return len(xs)\n";

let sb: Sandbox;
beforeAll(async () => {
  sb = await Sandbox.start({ workers: 1 });
});
afterAll(async () => {
  await sb.close();
});

async function verdicts(pairs: ReturnType<typeof ut>[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for await (const o of sb.run(pairs) as AsyncIterable<PairOutcome>) out[o.id] = o.verdict;
  return out;
}

describe("remembered calls of a stateless solution", () => {
  it("a call that timed out times out again in every later pair, and other calls still run", async () => {
    const pairs = [
      ut("a", LOOPS, "self.assertEqual(f(1), 7)"),
      ut("b", LOOPS, "self.assertEqual(f(0), 7)"),
      ut("c", LOOPS, ["self.assertEqual(f(0), 7)", "self.assertEqual(f(1), 7)"]),
      ut("d", LOOPS, ["try:", "    f(1)", "except Exception:", "    pass", "self.assertEqual(f(0), 7)"]),
      ut("e", LOOPS, "self.assertEqual(f(0), 8)"),
    ];
    // d: the swallowed timeout leaves the candidate gone, exactly as when nothing is remembered.
    const want = { a: "timeout", b: "pass", c: "timeout", d: "crash", e: "fail" };
    expect(await verdicts(pairs)).toEqual(want);
    // A fresh candidate per pair (parity) remembers nothing: the same verdicts.
    const fresh = await Sandbox.start({ workers: 1, parity: true });
    const got: Record<string, string> = {};
    for await (const o of fresh.run(pairs)) got[o.id] = o.verdict;
    await fresh.close();
    expect(got).toEqual(want);
  });

  it("charges a remembered call's time to the pair: many cached slow calls still exceed the limit", async () => {
    // One call takes a few hundred ms; five in one pair exceed 1 s whether they run or are remembered.
    const five = Array.from({ length: 5 }, () => "self.assertGreater(work(15_000_000), 0)");
    const pairs = [ut("one", SLOW, "self.assertGreater(work(15_000_000), 0)"), ut("five", SLOW, five)];
    const got = await verdicts(pairs);
    expect(got.five).toBe("timeout");
  });

  it("never remembers a call whose arguments the test can see change", async () => {
    const body = [
      "xs = []",
      "self.assertEqual(push(xs, 1), 1)",
      "self.assertEqual(push(xs, 1), 2)",
      "self.assertEqual(xs, [1, 1])",
    ];
    const pairs = [
      ut("m1", APPEND, body),
      ut("m2", APPEND, body),
      ut("m3", APPEND, "self.assertEqual(push([], 1), 1)"),
    ];
    expect(await verdicts(pairs)).toEqual({ m1: "pass", m2: "pass", m3: "pass" });
  });
});
