/**
 * EvalPlus rules on fixture tasks, executed for real in the `labels` kind (Python processes): float
 * tolerance, type rules, special oracles, time limits from reference times, base vs plus, exceptions,
 * fresh inputs and interpreter hygiene inside a batch.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type GroundTruth,
  type LabelExecutor,
  type LabelRequest,
  labelEvalPlus,
  loadGroundTruth,
} from "../../src/evaluate/labels/index.js";
import { readEvalPlusProblems } from "../../src/problems/evalplus.js";
import type { Label } from "../../src/records.js";
import { Sandbox } from "../../src/sandbox/index.js";
import { HUMANEVAL_FIXTURE, MBPP_FIXTURE, writeFixture } from "./fixtures.js";

let executor: LabelExecutor;
let he: Map<string, GroundTruth>;
let mb: Map<string, GroundTruth>;

beforeAll(async () => {
  executor = (await Sandbox.start({ workers: 2 })).executor("labels");
  const heProblems = (
    await readEvalPlusProblems(writeFixture(HUMANEVAL_FIXTURE), "humaneval+", { strict: true })
  ).records;
  const mbProblems = (await readEvalPlusProblems(writeFixture(MBPP_FIXTURE), "mbpp+", { strict: true }))
    .records;
  he = await loadGroundTruth(heProblems, "humaneval+", { executor, cacheDir: null });
  mb = await loadGroundTruth(mbProblems, "mbpp+", { executor, cacheDir: null });
}, 60_000);

afterAll(async () => {
  await executor.close();
});

async function label(
  truth: Map<string, GroundTruth>,
  task: string,
  prompt: string,
  bodies: string[],
  extra: { minTimeLimit?: number; batchSize?: number; clock?: "wall" | "cpu" } = {},
): Promise<Label[]> {
  const reqs: LabelRequest[] = bodies.map((b, index) => ({ task_id: task, index, solution: prompt + b }));
  return labelEvalPlus(reqs, truth, { executor, ...extra });
}

const statuses = (ls: Label[]) => ls.map((l) => `${l.base_status}/${l.plus_status}`);

describe("EvalPlus labels", () => {
  it("compares floats with the forced 1e-6 atol when the dataset says 0", async () => {
    const ls = await label(he, "F/half", "def half(x):\n", [
      "    return x / 2\n",
      "    return x / 2 + 5e-7\n", // within 1e-6
      "    return x / 2 + 5e-6\n", // beyond
    ]);
    expect(statuses(ls)).toEqual(["pass/pass", "pass/pass", "fail/fail"]);
    expect(ls.map((l) => l.correct)).toEqual([true, true, false]);
  });

  it("uses the dataset's atol when it gives one", async () => {
    const ls = await label(he, "F/pi", "def approx_pi():\n", ["    return 3.145\n", "    return 3.2\n"]);
    expect(ls.map((l) => l.base_status)).toEqual(["pass", "fail"]);
  });

  it("applies EvalPlus's type rules before the tolerance", async () => {
    const ls = await label(he, "F/scale", "def scale(xs):\n", [
      "    return [x * 0.1 + 1e-9 for x in xs]\n", // same type, within atol
      "    return tuple(x * 0.1 + 1e-9 for x in xs)\n", // tuple vs list: fails
      "    return [x * 0.1 for x in xs] + [0.0]\n", // length differs
      "    return [str(x * 0.1) for x in xs]\n",
    ]);
    expect(ls.map((l) => l.base_status)).toEqual(["pass", "fail", "fail", "fail"]);
    // An int where a float is expected fails unless it is exactly equal (1 == 1.0 is an exact match).
    const ints = await label(he, "F/half", "def half(x):\n", ["    return x // 2\n"]);
    expect(ints[0]?.base_status).toBe("fail");
  });

  it("checks find_zero by evaluating the polynomial at the answer", async () => {
    const prompt =
      "import math\n\ndef poly(xs, x):\n    return sum(c * math.pow(x, i) for i, c in enumerate(xs))\n\ndef find_zero(xs):\n";
    const ls = await label(he, "F/find_zero", prompt, [
      // Bisection finds a different root (3 instead of 1 on the base input): still correct.
      "    lo, hi = 2.5, 10.0\n    if poly(xs, lo) * poly(xs, hi) > 0:\n        lo, hi = -10.0, 10.0\n    for _ in range(200):\n        mid = (lo + hi) / 2\n        if poly(xs, lo) * poly(xs, mid) <= 0:\n            hi = mid\n        else:\n            lo = mid\n    return lo\n",
      "    return 2.5\n",
    ]);
    expect(statuses(ls)).toEqual(["pass/pass", "fail/fail"]);
  });

  it("fails a candidate 10x slower than the canonical solution and passes one within the factor", async () => {
    const prompt = "import time\n\ndef slow(x):\n";
    // Reference ~0.05 s per input; limit = max(0.05, 4 x 0.05) = 0.2 s.
    const ls = await label(
      he,
      "F/slow",
      prompt,
      ["    time.sleep(0.1)\n    return x\n", "    time.sleep(0.5)\n    return x\n"],
      { minTimeLimit: 0.05, clock: "wall" },
    );
    expect(statuses(ls)).toEqual(["pass/pass", "fail/fail"]);
    expect(ls[1]?.details).toMatch(/base: input 0 ran into its 0\.\d s limit/);
  });

  it("with the cpu clock (not EvalPlus's default), waiting is free, computing past the limit is not", async () => {
    const spin =
      "    end = time.process_time() + 0.5\n    while time.process_time() < end:\n        pass\n    return x\n";
    const ls = await label(
      he,
      "F/slow",
      "import time\n\ndef slow(x):\n",
      ["    time.sleep(0.3)\n    return x\n", spin],
      { minTimeLimit: 0.05, clock: "cpu" },
    );
    expect(statuses(ls)).toEqual(["pass/pass", "fail/fail"]);
    expect(ls[1]?.details).toContain("ran into its");
  });

  it("reports base and plus separately", async () => {
    const ls = await label(he, "F/inc", "def inc(x):\n", ["    return x + 1 if x < 50 else x\n"]);
    expect(ls[0]).toMatchObject({ base_status: "pass", plus_status: "fail", correct: false });
    // Both plus inputs fail; cheapest first may meet either first. With details, EvalPlus's first failure.
    expect(ls[0]?.details).toMatch(/^plus: failed on input [01]$/);
    const all = await labelEvalPlus(
      [{ task_id: "F/inc", index: 0, solution: "def inc(x):\n    return x + 1 if x < 50 else x\n" }],
      he,
      { executor, details: true },
    );
    expect(all[0]?.details).toBe("plus: failed on input 0");
  });

  it("fails programs that raise, do not parse or lack the entry point", async () => {
    const ls = await label(he, "F/inc", "", [
      "def inc(x):\n    raise ValueError('no')\n",
      "def inc(x:\n    return x\n",
      "def other(x):\n    return x + 1\n",
      "import sys\nsys.exit(0)\n",
    ]);
    expect(ls.map((l) => l.correct)).toEqual([false, false, false, false]);
    expect(ls[1]?.details).toContain("before any input");
  });

  it("gives every program fresh inputs and a clean interpreter within one batch", async () => {
    const ls = await label(he, "F/total", "def total(xs):\n", [
      "    xs.append(100)\n    return sum(xs) - 100\n",
      "    return sum(xs)\n",
      "    import builtins\n    builtins.sum = lambda v: 0\n    return sum(xs)\n",
      "    return sum(xs)\n",
    ]);
    expect(ls.map((l) => l.base_status)).toEqual(["pass", "pass", "fail", "pass"]);
  });

  it("keeps the expected outputs in the judge: a program cannot find them to copy", async () => {
    // F/inc's base inputs are [1] and [2]; a forger looks for the answer key wherever this process could see
    // it (files it can read, objects on its heap, its callers' frames) and returns what it finds.
    const forger = [
      "import gc, glob, os, pickle, sys",
      "def inc(x):",
      "    found = []",
      "    for root in ('/share', '/tmp', os.environ.get('TMPDIR', '/tmp')):",
      "        found += glob.glob(root + '/**/*.pkl', recursive=True)",
      "    for path in found:",
      "        try:",
      "            data = pickle.load(open(path, 'rb'))",
      "            return pickle.loads(data['expected']['base'][[1, 2].index(x)])",
      "        except Exception:",
      "            pass",
      "    f = sys._getframe()",
      "    while f is not None:",
      "        for v in f.f_locals.values():",
      "            if isinstance(v, dict) and 'expected' in v:",
      "                return pickle.loads(v['expected']['base'][[1, 2].index(x)])",
      "        f = f.f_back",
      "    try:",
      "        for o in gc.get_objects():",
      "            if isinstance(o, dict) and 'expected' in o and 'ref_time' in o:",
      "                return pickle.loads(o['expected']['base'][[1, 2].index(x)])",
      "    except Exception:",
      "        pass",
      "    return None",
      "",
    ].join("\n");
    const ls = await label(he, "F/inc", "", [forger]);
    expect(ls[0]).toMatchObject({ base_status: "fail", correct: false });
  });

  it("programs differing only in comments and layout run once; other spellings run apart", async () => {
    const reqs: LabelRequest[] = [
      "def inc(x):\n    y = x + 1\n    return y\n",
      "# the same program\ndef inc(x):\n\n    y = x + 1  # one more\n    return y\n",
      "def inc(x):\n    y = x+1\n    return y\n",
      "def inc(x):\n\ty = x + 1\n\treturn y\n",
      "def inc(x):\n    y = 1 + x\n    return y\n",
    ].map((solution, index) => ({ task_id: "F/inc", index, solution }));
    const runs: number[] = [];
    const ls = await labelEvalPlus(reqs, he, {
      executor: {
        concurrency: 1,
        ...(executor.share ? { share: (p: string) => executor.share?.(p) ?? p } : {}),
        run: (job, ms) => {
          runs.push((job.programs as string[]).length);
          return executor.run(job, ms);
        },
        close: async () => {},
      },
    });
    expect(ls.map((l) => l.correct)).toEqual([true, true, true, true, true]);
    // 0, 1 and 2 share a key (comments, blank lines, spaces within a line); 3 (tab indentation, which
    // CPython judges on its own) and 4 (other code) run on their own.
    expect(runs.reduce((a, b) => a + b, 0)).toBe(3);
  });

  it("identical programs run once and get the same label; a null program fails", async () => {
    const reqs: LabelRequest[] = [
      { task_id: "F/inc", index: 0, solution: "def inc(x):\n    return x + 1\n" },
      { task_id: "F/inc", index: 1, solution: null },
      { task_id: "F/inc", index: 2, solution: "def inc(x):\n    return x + 1\n" },
    ];
    const ls = await labelEvalPlus(reqs, he, { executor });
    expect(ls.map((l) => [l.index, l.correct])).toEqual([
      [0, true],
      [1, false],
      [2, true],
    ]);
  });

  it("ends a program that swallows the time limit: the limit is enforced from outside the candidate", async () => {
    const ls = await label(
      he,
      "F/hang",
      "def hang(x):\n",
      [
        "    while True:\n        try:\n            while True:\n                pass\n        except BaseException:\n            pass\n",
      ],
      { minTimeLimit: 0.05, clock: "wall" },
    );
    expect(ls[0]).toMatchObject({ base_status: "fail", plus_status: "fail" });
    expect(ls[0]?.details).toMatch(/base: input 0 ran into its 0\.\d s limit/);
  }, 30_000);
});

describe("MBPP+ special oracles", () => {
  it("compares set-equality tasks as sets, on inputs deserialized to tuples", async () => {
    const ls = await label(mb, "Mbpp/2", "", [
      "def similar_elements(a, b):\n    assert isinstance(a, tuple)\n    return sorted(set(a) & set(b), reverse=True)\n",
      "def similar_elements(a, b):\n    return (4,)\n",
    ]);
    expect(statuses(ls)).toEqual(["pass/pass", "fail/fail"]);
  });

  it("only checks not-None for check_str", async () => {
    const ls = await label(mb, "Mbpp/9001", "", [
      "def check_str(s):\n    return 'yes' if s[0] in 'aeiouAEIOU' else None\n",
      "def check_str(s):\n    return s[0] in 'aeiouAEIOU'\n",
      "def check_str(s):\n    return 'always'\n",
    ]);
    expect(ls.map((l) => l.correct)).toEqual([true, true, false]);
  });

  it("accepts 0 for sum_div, anything for are_equivalent, the slant-height reading for surface_Area", async () => {
    const sd = await label(mb, "Mbpp/295", "", [
      "def sum_div(n):\n    return 0\n",
      "def sum_div(n):\n    return 1\n",
    ]);
    expect(sd.map((l) => l.correct)).toEqual([true, false]);
    const ae = await label(mb, "Mbpp/164", "", ["def are_equivalent(a, b):\n    return 'whatever'\n"]);
    expect(ae[0]?.correct).toBe(true);
    const sa = await label(mb, "Mbpp/581", "", [
      "import math\ndef surface_Area(b, h):\n    return round(b * b + 2 * b * math.sqrt((b / 2) ** 2 + h * h))\n",
      "def surface_Area(b, h):\n    return -1\n",
    ]);
    expect(sa.map((l) => l.correct)).toEqual([true, false]);
  });
});

describe("MBPP+ special oracles and atol rules (each expectation derived from EvalPlus's unsafe_execute)", () => {
  it("Mbpp/558: the canonical's zip reading and the oracle's zero-padded reading both pass", async () => {
    const ls = await label(mb, "Mbpp/558", "", [
      "def digit_distance_nums(n1, n2):\n    a, b = str(n1), str(n2)\n    n = max(len(a), len(b))\n    return sum(abs(int(x) - int(y)) for x, y in zip(a.zfill(n), b.zfill(n)))\n",
      "def digit_distance_nums(n1, n2):\n    return sum(abs(int(x) - int(y)) for x, y in zip(str(n1), str(n2)))\n",
      "def digit_distance_nums(n1, n2):\n    return 0\n",
    ]);
    expect(statuses(ls)).toEqual(["pass/pass", "pass/pass", "fail/fail"]);
  });

  it("Mbpp/124: inputs arrive as (float, complex); the dataset's atol 1e-4 applies", async () => {
    const ls = await label(mb, "Mbpp/124", "import cmath\n", [
      "def angle_complex(a, b):\n    assert type(a) is float and type(b) is complex\n    return cmath.phase(a + b)\n",
      "def angle_complex(a, b):\n    return cmath.phase(a + b) + 5e-5\n",
      "def angle_complex(a, b):\n    return cmath.phase(a + b) + 5e-4\n",
    ]);
    expect(statuses(ls)).toEqual(["pass/pass", "pass/pass", "fail/fail"]);
  });

  it("Mbpp/252: a tuple of floats gets the forced 1e-6 and the exact-type rule", async () => {
    const ls = await label(mb, "Mbpp/252", "import cmath\n", [
      "def convert(z):\n    assert type(z) is complex\n    return (abs(z), cmath.phase(z))\n",
      "def convert(z):\n    return tuple(x + 5e-7 for x in cmath.polar(z))\n",
      "def convert(z):\n    return list(cmath.polar(z))\n", // list where a tuple is expected
      "def convert(z):\n    return tuple(x + 5e-6 for x in cmath.polar(z))\n",
    ]);
    expect(statuses(ls)).toEqual(["pass/pass", "pass/pass", "fail/fail", "fail/fail"]);
  });

  it("Mbpp/137: inf is only close to inf", async () => {
    const ls = await label(mb, "Mbpp/137", "", [
      "def zero_count(nums):\n    z = nums.count(0)\n    return float('inf') if z == len(nums) else z / (len(nums) - z)\n",
      "def zero_count(nums):\n    z = nums.count(0)\n    return 1e308 if z == len(nums) else z / (len(nums) - z)\n",
    ]);
    expect(statuses(ls)).toEqual(["pass/pass", "fail/pass"]);
  });

  it("Mbpp/769: set-equality tasks ignore order, not content", async () => {
    const ls = await label(mb, "Mbpp/769", "", [
      "def Diff(a, b):\n    return sorted(set(a) ^ set(b), reverse=True)\n",
      "def Diff(a, b):\n    return []\n",
      // A generator (an object of the program's, compared through its proxy): set() of it is what counts.
      "def Diff(a, b):\n    return (x for x in set(a) ^ set(b))\n",
    ]);
    expect(statuses(ls)).toEqual(["pass/pass", "fail/fail", "pass/pass"]);
  });

  it("not-None tasks: a bool is compared as a bool, anything else by being not None", async () => {
    const ls = await label(mb, "Mbpp/787", "import re\n", [
      "def text_match_three(text):\n    return bool(re.search('ab{3}', text))\n",
      "def text_match_three(text):\n    return re.search('ab{3}', text)\n",
      // MBPP's original style: a string either way, never None, so the no-match inputs fail.
      "def text_match_three(text):\n    return 'Found a match!' if re.search('ab{3}', text) else 'Not matched!'\n",
    ]);
    expect(statuses(ls)).toEqual(["pass/pass", "pass/pass", "fail/pass"]);
  });
});

describe("huge expected outputs", () => {
  it("are kept as a digest in the judge, and an equal value of other types still passes", async () => {
    const { statSync } = await import("node:fs");
    // list(range(100000)) pickles to ~500 KB; the digest keeps the ground truth small.
    expect(statSync((he.get("F/big") as GroundTruth).path).size).toBeLessThan(100_000);
    const ls = await label(he, "F/big", "def big(n):\n", [
      "    return list(range(n))\n",
      "    return [float(i) for i in range(n)]\n", // == the expected list, though it pickles differently
      "    return list(range(1, n + 1))\n",
      "    return tuple(range(n))\n",
    ]);
    expect(statuses(ls)).toEqual(["pass/pass", "pass/pass", "fail/fail", "fail/fail"]);
  });
});

describe("EvalPlus's process guard (reliability_guard, swallow_io, empty globals)", () => {
  it("fails what it disables and keeps everything else", async () => {
    const ls = await label(he, "F/inc", "", [
      "from __future__ import annotations\ndef inc(x: int) -> int:\n    print('noise', x)\n    return x + 1\n",
      "def inc(x):\n    open('/tmp/x', 'w')\n    return x + 1\n", // builtins.open is None there
      "def inc(x):\n    if x > 10 ** 9:\n        exit()\n    return x + 1\n", // exit is None, never called: passes
      "def inc(x):\n    return int(input()) + 1\n", // stdin raises
      "import resource\ndef inc(x):\n    return x + 1\n", // resource is blocked in sys.modules
      "def inc(x):\n    return unittest and x + 1\n", // exec_globals = {}: no harness names
      "import os\ndef inc(x):\n    os.getcwd()\n    return x + 1\n",
    ]);
    expect(statuses(ls)).toEqual([
      "pass/pass",
      "fail/fail",
      "pass/pass",
      "fail/fail",
      "fail/fail",
      "fail/fail",
      "fail/fail",
    ]);
  });
});

describe("recursion headroom", () => {
  it("is EvalPlus's: the entry point can recurse exactly as deep as under evalplus's untrusted_check", async () => {
    const probe =
      "    def f(n):\n        try:\n            return f(n + 1)\n        except RecursionError:\n            return n\n    return f(0) >= k\n";
    const ls = await label(he, "F/probe", "def probe(k):\n", [probe]);
    expect(ls[0]).toMatchObject({ base_status: "fail", plus_status: "pass" });
    expect(ls[0]?.details).toBe("base: failed on input 1");
  });
});
