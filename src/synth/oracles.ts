/**
 * Unit-test classes coderm writes itself, to label weak solutions and to probe surviving mutants, so both
 * run as ordinary (program, test) pairs in the sandbox:
 * - `ioTestClass`: the source's own call-based tests (TACO `input_output`): `fn(*inputs[i])` must equal
 *   `outputs[i]` (TACO wraps a single return value in a one-element list; both spellings are accepted),
 *   compared after a JSON round trip so tuples and lists agree, as TACO's checker does;
 * - `agreementTestClass`: agreement with the ground truth on the inputs the kept tests use. Inputs are
 *   harvested from the tests by parsing (never by running them): every call of a top-level function of the
 *   ground truth whose arguments are literals. The class executes the ground truth in a namespace of its
 *   own and compares each call's result (or the exception type it raises) with the candidate's; floats
 *   compare with 1e-6 tolerance;
 * - `checkTestClass`: HumanEval's `check(candidate)` as a test class.
 */

import type { Node } from "web-tree-sitter";
import { withPythonTree } from "../extract/python-parser.js";
import { type SynthQuestion, topLevelFunctions } from "./questions.js";

/** One harvested call: the function name and the call's source text, e.g. `f([1, 2], k=3)`. */
export interface HarvestedCall {
  fn: string;
  call: string;
}

const LITERAL = new Set([
  "integer",
  "float",
  "string",
  "concatenated_string",
  "string_start",
  "string_content",
  "string_end",
  "escape_sequence",
  "true",
  "false",
  "none",
  "list",
  "tuple",
  "dictionary",
  "set",
  "pair",
  "unary_operator",
  "binary_operator",
  "parenthesized_expression",
  "keyword_argument",
  "comment",
]);

/** True when every named node under `args` is a literal (keyword names aside): nothing to evaluate. */
function literalOnly(args: Node): boolean {
  const stack: Node[] = [...args.namedChildren.filter((c): c is Node => c !== null)];
  while (stack.length > 0) {
    const n = stack.pop() as Node;
    const keywordName =
      n.type === "identifier" &&
      n.parent?.type === "keyword_argument" &&
      n.parent.childForFieldName("name")?.id === n.id;
    if (!keywordName && !LITERAL.has(n.type)) return false;
    for (const c of n.namedChildren) if (c) stack.push(c);
  }
  return true;
}

/** Calls of `functions` with literal arguments in `testCode`, deduplicated, in source order. */
export function harvestCalls(testCode: string, functions: ReadonlySet<string>): HarvestedCall[] {
  return withPythonTree(testCode, (root) => {
    const out: HarvestedCall[] = [];
    const seen = new Set<string>();
    for (const call of root.descendantsOfType("call")) {
      if (!call) continue;
      const fn = call.childForFieldName("function");
      const args = call.childForFieldName("arguments");
      if (fn?.type !== "identifier" || !functions.has(fn.text) || args?.type !== "argument_list") continue;
      if (!literalOnly(args)) continue;
      const text = `${fn.text}${args.text}`.replace(/\s*\n\s*/g, " ");
      if (seen.has(text)) continue;
      seen.add(text);
      out.push({ fn: fn.text, call: text });
    }
    return out;
  });
}

/** A Python string literal holding `s` (JSON's escapes are all valid Python escapes). */
export function pyString(s: string): string {
  return JSON.stringify(s);
}

const SAME = `def _same(a, b):
    if isinstance(a, float) or isinstance(b, float):
        if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool) and not isinstance(b, bool):
            return (a != a and b != b) or math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-6)
        return False
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b
`;

function methodName(i: number, width: number): string {
  return `test_${String(i).padStart(width, "0")}`;
}

export function agreementTestClass(groundTruth: string, calls: readonly HarvestedCall[]): string {
  const width = String(Math.max(0, calls.length - 1)).length;
  const methods = calls.map(
    (c, i) =>
      `    def ${methodName(i, width)}(self):\n        self._agree(lambda ${c.fn}: ${c.call}, ${c.fn}, self.ref[${pyString(c.fn)}])\n`,
  );
  return `import math
import unittest

_REFERENCE = ${pyString(groundTruth)}

${SAME}

def _outcome(call, fn):
    try:
        return ("ok", call(fn))
    except Exception as e:
        return ("raise", type(e).__name__)


class TestAgreesWithGroundTruth(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ref = {"__name__": "ground_truth"}
        exec(compile(_REFERENCE, "<ground truth>", "exec"), cls.ref)

    def _agree(self, call, candidate, reference):
        want = _outcome(call, reference)
        got = _outcome(call, candidate)
        same = want[0] == got[0] and (_same(got[1], want[1]) if want[0] == "ok" else got[1] == want[1])
        self.assertTrue(same, "candidate %r, ground truth %r" % (got, want))

${methods.join("\n")}`;
}

export function ioTestClass(
  entryPoint: string,
  groundTruth: string,
  io: { inputs: readonly unknown[]; outputs: readonly unknown[] },
): string {
  const n = Math.min(io.inputs.length, io.outputs.length);
  const cases = Array.from({ length: n }, (_, i) => [io.inputs[i], io.outputs[i]]);
  const callee = /^class Solution\b/m.test(groundTruth) ? `Solution().${entryPoint}` : entryPoint;
  const width = String(Math.max(0, n - 1)).length;
  const methods = cases.map((_, i) => `    def ${methodName(i, width)}(self):\n        self._case(${i})\n`);
  return `import json
import math
import unittest

_CASES = json.loads(${pyString(JSON.stringify(cases))})

${SAME}

class TestOwnCases(unittest.TestCase):
    def _case(self, i):
        args, want = _CASES[i]
        if not isinstance(args, list):
            args = [args]
        got = json.loads(json.dumps(${callee}(*args)))
        ok = _same(got, want) or (isinstance(want, list) and len(want) == 1 and _same(got, want[0]))
        self.assertTrue(ok, "got %r, expected %r" % (got, want))

${methods.join("\n")}`;
}

export function checkTestClass(test: string, entryPoint: string): string {
  return `import unittest

${test}


class TestCheck(unittest.TestCase):
    def test_check(self):
        check(${entryPoint})
`;
}

/** Literal-argument calls of the ground truth's functions in the kept tests (at most 100, distinct). */
function harvestedInputs(q: SynthQuestion, tests: readonly string[]): HarvestedCall[] {
  const fns = new Set(topLevelFunctions(q.canonical_solution));
  const calls = tests.flatMap((t) => harvestCalls(t, fns));
  return [...new Map(calls.map((c) => [c.call, c])).values()].slice(0, 100);
}

/** How weak solutions of `q` are labelled without its `check` tests: own cases, else agreement. */
export function oracleFor(
  q: SynthQuestion,
  tests: readonly string[],
): { how: string; test: string } | undefined {
  if (q.io_tests)
    return {
      how: "own tests (input_output)",
      test: ioTestClass(q.entry_point, q.canonical_solution, q.io_tests),
    };
  const calls = harvestedInputs(q, tests);
  if (calls.length === 0) return undefined;
  return {
    how: `agreement with the ground truth on ${calls.length} inputs`,
    test: agreementTestClass(q.canonical_solution, calls),
  };
}

/** Probes for surviving mutants: agreement on the kept tests' inputs, and the question's own tests. */
export function probeTests(q: SynthQuestion, tests: readonly string[]): string[] {
  const out: string[] = [];
  const calls = harvestedInputs(q, tests);
  if (calls.length > 0) out.push(agreementTestClass(q.canonical_solution, calls));
  if (q.io_tests) out.push(ioTestClass(q.entry_point, q.canonical_solution, q.io_tests));
  if (q.test?.includes("def check(")) out.push(checkTestClass(q.test, q.entry_point));
  return out;
}
