/**
 * Small EvalPlus-format datasets, written as Python's json.dumps would (so 1.0 stays a float), each task
 * built to exercise one EvalPlus rule.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LiveCodeBenchTest, Problem } from "../../src/records.js";

const line = (fields: Record<string, string>): string =>
  `{${Object.entries(fields)
    .map(([k, v]) => `${JSON.stringify(k)}: ${v}`)
    .join(", ")}}`;

const s = (v: string): string => JSON.stringify(v);

function he(
  task: string,
  entry: string,
  prompt: string,
  canonical: string,
  base: string,
  plus: string,
  atol = "0",
): string {
  return line({
    task_id: s(task),
    prompt: s(prompt),
    entry_point: s(entry),
    canonical_solution: s(canonical),
    test: s(""),
    contract: s(""),
    base_input: base,
    atol,
    plus_input: plus,
  });
}

function mbpp(
  task: string,
  entry: string,
  prompt: string,
  canonical: string,
  base: string,
  plus: string,
  atol = "0",
): string {
  return line({
    task_id: s(task),
    prompt: s(prompt),
    entry_point: s(entry),
    canonical_solution: s(canonical),
    base_input: base,
    atol,
    plus_input: plus,
    contract: s(""),
    assertion: s(""),
  });
}

export const HUMANEVAL_FIXTURE = [
  he("F/half", "half", "def half(x):\n", "    return x / 2\n", "[[1], [3]]", "[[5], [7]]"),
  he(
    "F/scale",
    "scale",
    "def scale(xs):\n",
    "    return [x * 0.1 for x in xs]\n",
    "[[[1.0, 2.0]]]",
    "[[[3.0]]]",
  ),
  he("F/pi", "approx_pi", "def approx_pi():\n", "    return 3.14159\n", "[[]]", "[]", "0.01"),
  he(
    "F/find_zero",
    "find_zero",
    "import math\n\ndef poly(xs, x):\n    return sum(c * math.pow(x, i) for i, c in enumerate(xs))\n\ndef find_zero(xs):\n",
    "    x = 0.0\n    for _ in range(100):\n        d = sum(i * c * math.pow(x, i - 1) for i, c in enumerate(xs) if i)\n        x = x - poly(xs, x) / d\n    return x\n",
    "[[[-6, 11, -6, 1]]]",
    "[[[-2, 1]]]",
    "0.0001",
  ),
  he(
    "F/slow",
    "slow",
    "import time\n\ndef slow(x):\n",
    "    time.sleep(0.05)\n    return x\n",
    "[[1]]",
    "[[2]]",
  ),
  he("F/inc", "inc", "def inc(x):\n", "    return x + 1\n", "[[1], [2]]", "[[100], [1000]]"),
  he("F/total", "total", "def total(xs):\n", "    return sum(xs)\n", "[[[1, 2]], [[3]]]", "[[[4, 5, 6]]]"),
  he("F/hang", "hang", "def hang(x):\n", "    return x\n", "[[1]]", "[[2]]"),
  // An expected output far above the digest threshold (its pickle is ~500 KB): kept as a digest in the judge.
  // EvalPlus's call depth: a function recursing 972 frames deep returns, 973 does not (bench/oracles).
  he("F/probe", "probe", "def probe(k):\n", "    return True\n", "[[972], [973]]", "[[1]]"),
  he("F/big", "big", "def big(n):\n", "    return list(range(n))\n", "[[100000]]", "[[3]]"),
];

export const MBPP_FIXTURE = [
  // Mbpp/2: inputs are deserialized to tuples; outputs compared as sets.
  mbpp(
    "Mbpp/2",
    "similar_elements",
    '"""similar elements"""\n',
    "def similar_elements(a, b):\n    return tuple(set(a) & set(b))\n",
    "[[[3, 4, 5, 6], [5, 7, 4, 10]]]",
    "[[[1, 2, 3], [3, 2]]]",
  ),
  mbpp(
    "Mbpp/9001",
    "check_str",
    '"""starts with a vowel"""\n',
    "import re\ndef check_str(s):\n    return re.search('^[aeiouAEIOU][A-Za-z0-9_]*', s)\n",
    '[["annie"], ["dawood"]]',
    '[["Else"]]',
  ),
  mbpp(
    "Mbpp/295",
    "sum_div",
    '"""sum of divisors"""\n',
    "def sum_div(n):\n    return sum(i for i in range(1, n) if n % i == 0)\n",
    "[[8], [12]]",
    "[[7]]",
  ),
  mbpp(
    "Mbpp/164",
    "are_equivalent",
    '"""same divisor sums"""\n',
    "def are_equivalent(a, b):\n    return a == b\n",
    "[[36, 57]]",
    "[[2, 4]]",
  ),
  mbpp(
    "Mbpp/581",
    "surface_Area",
    '"""pyramid surface"""\n',
    "def surface_Area(b, s):\n    return 2 * b * s + b * b\n",
    "[[3, 4]]",
    "[[1, 2]]",
  ),
  // Mbpp/558: MBPP's solution zips the digit strings (ignores the longer one's extra digits); the oracle pads
  // the shorter with zeros; either answer passes.
  mbpp(
    "Mbpp/558",
    "digit_distance_nums",
    '"""digit distance"""\n',
    "def digit_distance_nums(n1, n2):\n    return sum([abs(int(c1) - int(c2)) for c1, c2 in zip(str(n1), str(n2))])\n",
    "[[123, 256]]",
    "[[1234, 56]]",
  ),
  // Mbpp/124: inputs deserialized to (float, complex); the dataset's atol 1e-4.
  mbpp(
    "Mbpp/124",
    "angle_complex",
    '"""angle of a complex number"""\n',
    "import cmath\ndef angle_complex(a,b):\n  angle=cmath.phase(a+b)\n  return angle\n",
    '[["0", "1j"], ["2", "1j"]]',
    '[["-1", "2j"]]',
    "0.0001",
  ),
  // Mbpp/252: a complex input; a tuple of floats out, so the forced 1e-6 and the exact-type rule apply.
  mbpp(
    "Mbpp/252",
    "convert",
    '"""polar coordinates"""\n',
    "import cmath\ndef convert(numbers):\n  return cmath.polar(numbers)\n",
    '[["1"], ["4"]]',
    '[["(3+4j)"]]',
  ),
  // Mbpp/137: inf is expected on one input (numpy's allclose: inf only equals inf).
  mbpp(
    "Mbpp/137",
    "zero_count",
    '"""ratio of zeroes"""\n',
    "def zero_count(nums):\n    if all(x == 0 for x in nums):\n        return float('inf')\n    return sum(x == 0 for x in nums) / sum(x != 0 for x in nums)\n",
    "[[[0, 1, 2, 0]], [[0, 0]]]",
    "[[[1, 2, 3, 0]]]",
    "0.0001",
  ),
  // Mbpp/769: a set-equality task returning a list (order is free).
  mbpp(
    "Mbpp/769",
    "Diff",
    '"""difference of two lists"""\n',
    "def Diff(li1,li2):\n    return list(set(li1)-set(li2)) + list(set(li2)-set(li1))\n",
    "[[[10, 15, 20, 25, 30, 35, 40], [25, 40, 35]]]",
    "[[[1, 2, 3], [6, 7, 1]]]",
  ),
  // Mbpp/803-like not-None task returning a bool from the program (text_match_three): a bool is compared as is.
  mbpp(
    "Mbpp/787",
    "text_match_three",
    '"""a followed by three b"""\n',
    "import re\ndef text_match_three(text):\n    patterns = 'ab{3}?'\n    return re.search(patterns,  text)\n",
    '[["ac"], ["dc"], ["abbbba"]]',
    '[["abbbbbbb"]]',
  ),
];

export function writeFixture(lines: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), "coderm-labels-"));
  const file = join(dir, "data.jsonl");
  writeFileSync(file, `${lines.join("\n")}\n`);
  return file;
}

/** A LiveCodeBench task (functional with `func_name`, else stdin): the first test public, the rest private. */
export function lcbProblem(task_id: string, tests: LiveCodeBenchTest[], func_name?: string): Problem {
  return {
    task_id,
    prompt: "",
    entry_point: func_name ?? "",
    livecodebench: {
      question_title: task_id,
      platform: func_name ? "leetcode" : "atcoder",
      contest_id: "c1",
      contest_date: "2024-01-01T00:00:00",
      starter_code: "",
      difficulty: "easy",
      public_test_cases: tests.slice(0, 1),
      private_test_cases: tests.slice(1),
      metadata: func_name ? { func_name } : {},
    },
  };
}
