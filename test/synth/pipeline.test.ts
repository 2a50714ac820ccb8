/**
 * The synth stages on small hand-made questions, where every outcome is known: drop reasons, labels by
 * agreement with the ground truth and by TACO's own cases, per-test mutation scores and the
 * equivalent-mutant estimate.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseSynthConfig } from "../../src/synth/config.js";
import { synth } from "../../src/synth/pipeline.js";

const jsonl = (file: string) =>
  readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l));

const CLAMP =
  "def clamp(x, lo, hi):\n    if x < lo:\n        return lo\n    if x > hi:\n        return hi\n    return x\n";
const cls = (name: string, body: string) =>
  `import unittest\n\nclass ${name}(unittest.TestCase):\n    def test_it(self):\n${body
    .split("\n")
    .map((l) => `        ${l}`)
    .join("\n")}`;
const STRONG = cls(
  "TestStrong",
  "self.assertEqual(clamp(5, 0, 10), 5)\nself.assertEqual(clamp(-1, 0, 10), 0)\nself.assertEqual(clamp(11, 0, 10), 10)",
);
const WEAK = cls("TestWeak", "self.assertIsInstance(clamp(3, 0, 10), int)");
const WRONG = cls("TestWrong", "self.assertEqual(clamp(11, 0, 10), 11)");

describe("synth stages on known questions", () => {
  it("drop reasons, agreement labels, mutation scores and equivalent mutants", async () => {
    const dir = mkdtempSync(join(tmpdir(), "synth-stages-"));
    const questions = join(dir, "in.jsonl");
    writeFileSync(
      questions,
      `${JSON.stringify({
        task_id: 1,
        question: "Clamp `x` into [lo, hi].",
        code_ground_truth: CLAMP,
        code_generate: JSON.stringify([
          { sol_id: 0, code: "def clamp(x, lo, hi):\n    return max(lo, min(x, hi))\n" },
          { sol_id: 1, code: "def clamp(x, lo, hi):\n    return min(x, hi)\n" },
          { sol_id: 2, code: "def clamp(x, lo, hi):\n    return x\n" },
        ]),
        unit_tests: JSON.stringify([
          { ut_id: 0, code: STRONG },
          { ut_id: 1, code: WEAK },
          { ut_id: 2, code: WRONG },
          { ut_id: 3, code: STRONG },
          { ut_id: 4, code: "no code here" },
        ]),
      })}\n`,
    );
    const out = await synth(
      parseSynthConfig({ questions, out: join(dir, "out"), m: 5, nWeak: 3, mutants: 50 }),
    );
    const filter = jsonl(join(dir, "out/filter.jsonl"));
    expect(filter.map((f) => [f.test, f.kept, f.reason])).toEqual([
      [0, true, undefined],
      [1, true, undefined],
      [2, false, "fail"],
      [3, false, "duplicate"],
      [4, false, "invalid"],
    ]);
    // No own tests: labels by agreement with the ground truth on the kept tests' inputs.
    const labels = jsonl(join(dir, "out/labels.jsonl"));
    expect(labels.map((l) => l.correct)).toEqual([true, false, false]);
    expect(labels[0].details).toMatch(/^agreement with the ground truth on 4 inputs/);
    // x < lo → x <= lo and x > hi → x >= hi change nothing: no test kills them, every probe agrees.
    const mutants = jsonl(join(dir, "out/mutants.jsonl"));
    const eq = mutants.filter((m) => m.equivalent === true).map((m) => m.description);
    expect(eq).toEqual(expect.arrayContaining(["< → <=", "> → >="]));
    for (const m of mutants) if (m.equivalent === true) expect(m.killed_by).toEqual([]);
    // The weak test kills less than the strong one; scores exclude the estimated equivalents.
    const scores = jsonl(join(dir, "out/scores.jsonl"));
    const [strong, weak] = scores;
    expect(strong.mutation_score).toBeGreaterThan(weak.mutation_score);
    expect(strong.mutants - strong.equivalent).toBe(mutants.length - eq.length);
    expect(strong.far).toBe(0);
    expect(weak.far).toBeCloseTo(2 / 3);
    expect(out.summary.mutation.equivalent).toBe(eq.length);
    expect(out.summary.counts.dropped).toEqual({ fail: 1, duplicate: 1, invalid: 1 });
  });

  it("labels TACO weak solutions with the question's own input_output cases", async () => {
    const dir = mkdtempSync(join(tmpdir(), "synth-taco-"));
    const teacher = join(dir, "teacher.jsonl");
    const weak = join(dir, "weak.jsonl");
    const t = cls("TestOdd", "self.assertEqual(sum_odd_squares([1, 2, 3]), 10)");
    writeFileSync(teacher, `${JSON.stringify({ task_id: "taco-0", unit_tests: [t] })}\n`);
    writeFileSync(
      weak,
      `${JSON.stringify({
        task_id: "taco-0",
        solutions: [
          "def sum_odd_squares(xs):\n    return sum(x ** 2 for x in xs if x % 2 == 1)\n",
          "def sum_odd_squares(xs):\n    return sum(x ** 2 for x in xs)\n",
          "def sum_odd_squares(xs):\n    return (10,)\n",
        ],
      })}\n`,
    );
    const out = await synth(
      parseSynthConfig({
        questions: "test/synth/fixtures/taco.jsonl",
        out: join(dir, "out"),
        m: 1,
        nWeak: 3,
        mutants: 5,
        teacher: { replay: teacher },
        weak: { replay: weak },
      }),
    );
    const labels = jsonl(join(dir, "out/labels.jsonl"));
    expect(labels.map((l) => [l.correct, l.details])).toEqual([
      [true, "own tests (input_output): pass"],
      [false, "own tests (input_output): fail"],
      [false, "own tests (input_output): fail"],
    ]);
    expect(out.summary.counts.questionsSkipped).toBe(1);
    expect(out.summary.counts.questionsBad).toBe(2);
    expect(out.summary.counts.kept).toBe(1);
  });
});
