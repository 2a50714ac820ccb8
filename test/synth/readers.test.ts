import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { initPython } from "../../src/extract/index.js";
import { parseUnitTestPrompt } from "../../src/prompts/index.js";
import { codermParquet, codermRows, type ExportItem, writeExports } from "../../src/synth/export.js";
import { parsePyLiteral } from "../../src/synth/py-literal.js";
import { readQuestions } from "../../src/synth/questions.js";

const FIX = "test/synth/fixtures";
beforeAll(() => initPython());

describe("question readers", () => {
  it("CodeFeedback: the fenced solution is the ground truth, non-Python rows are skipped", async () => {
    const r = await readQuestions(join(FIX, "codefeedback.jsonl"));
    expect(r.format).toBe("codefeedback");
    expect(r.questions).toHaveLength(1);
    const q = r.questions[0]!;
    expect(q.entry_point).toBe("count_vowels");
    expect(q.canonical_solution).toContain("def count_vowels(s):");
    expect(q.canonical_solution).not.toContain("print(");
    expect(r.skipped).toEqual([
      { where: `${FIX}/codefeedback.jsonl:2`, reason: "lang is javascript, not python" },
    ]);
    expect(r.bad).toEqual([{ file: `${FIX}/codefeedback.jsonl`, line: 3, reason: "answer: missing" }]);
  });

  it("TACO: the first compiling solution, fn_name and input_output become the question's own tests", async () => {
    const r = await readQuestions(join(FIX, "taco.jsonl"));
    expect(r.format).toBe("taco");
    expect(r.questions.map((q) => q.entry_point)).toEqual(["sum_odd_squares"]);
    expect(r.questions[0]!.io_tests).toEqual({
      inputs: [[[1, 2, 3]], [[]], [[5]]],
      outputs: [[10], [0], [25]],
    });
    expect(r.skipped.map((s) => s.reason)).toEqual(["stdin/stdout problem: no function to unit-test"]);
    expect(r.bad.map((b) => [b.line, b.reason])).toEqual([
      [3, "solutions: no solution compiles"],
      [4, expect.stringMatching(/^input_output: invalid JSON/)],
    ]);
  });

  it("CodeRM-UnitTest: JSON and Python-literal list columns; a missing column is named", async () => {
    const r = await readQuestions(join(FIX, "coderm-unittest.jsonl"));
    expect(r.format).toBe("coderm-unittest");
    expect(r.questions.map((q) => q.task_id)).toEqual(["7", "8"]);
    expect(r.questions[0]!.weak).toHaveLength(2);
    expect(r.questions[0]!.unit_tests?.[0]?.code).toContain("class TestIsEven");
    expect(r.questions[1]!.unit_tests?.[0]?.code).toContain("self.assertEqual(neg(3), -3)");
    expect(r.bad).toEqual([
      { file: `${FIX}/coderm-unittest.jsonl`, line: 3, reason: "unit_tests: expected a JSON list" },
    ]);
    await expect(readQuestions(join(FIX, "coderm-unittest.jsonl"), { strict: true })).rejects.toThrow(
      `${FIX}/coderm-unittest.jsonl:3: unit_tests: expected a JSON list`,
    );
  });

  it("reads a parquet file written by an independent implementation (arrow-rs)", async () => {
    const r = await readQuestions(join(FIX, "coderm-unittest.arrow-rs.parquet"));
    expect(r.bad).toEqual([]);
    expect(r.questions.map((q) => [q.task_id, q.entry_point, q.unit_tests?.length, q.weak?.length])).toEqual([
      ["101", "add", 2, 2],
      ["102", "max_of", 1, 1],
    ]);
  });

  it("a bad parquet row is named by row and field", async () => {
    const dir = mkdtempSync(join(tmpdir(), "synth-pq-"));
    const file = join(dir, "bad.parquet");
    const rows = codermRows([
      { question: q("1", "def f():\n    return 1\n"), tests: [], solutions: [] },
      { question: q("2", "def g():\n    return 2\n"), tests: [], solutions: [] },
    ]);
    rows[1]!.code_generate = "{broken";
    writeFileSync(file, Buffer.from(codermParquet(rows)));
    const r = await readQuestions(file);
    expect(r.questions).toHaveLength(1);
    expect(r.bad[0]?.line).toBe(2);
    expect(r.bad[0]?.reason).toMatch(/^code_generate: not a JSON list/);
  });

  it("parses Python literals without evaluating anything", () => {
    expect(parsePyLiteral(`[{'a': "x\\n", 'b': (1, -2.5e3, True, None)}, r'\\d']`)).toEqual([
      { a: "x\n", b: [1, -2500, true, null] },
      "\\d",
    ]);
    expect(() => parsePyLiteral("[__import__('os')]")).toThrow();
  });
});

function q(task_id: string, code: string) {
  return {
    task_id,
    prompt: `Question ${task_id}`,
    question: `Question ${task_id}`,
    entry_point: "",
    canonical_solution: code,
    source: "jsonl",
  };
}

describe("exports", () => {
  const items: ExportItem[] = [
    {
      question: { ...q("HumanEval/1", "def add(a, b):\n    return a + b\n"), entry_point: "add" },
      tests: [
        {
          ut_id: 0,
          code: "import unittest\n\nclass T(unittest.TestCase):\n    def test_a(self):\n        self.assertEqual(add(1, 1), 2)",
          far: 0,
          frr: null,
          mutation_score: 0.5,
        },
        {
          ut_id: 3,
          code: "import unittest\n\nclass U(unittest.TestCase):\n    def test_b(self):\n        self.assertEqual(add(0, 0), 0)",
        },
      ],
      solutions: [{ sol_id: 0, code: "def add(a, b):\n    return a - b\n", correct: false }],
    },
  ];

  it("round-trips the CodeRM-UnitTest schema through JSONL and parquet", async () => {
    const dir = mkdtempSync(join(tmpdir(), "synth-export-"));
    const files = await writeExports(dir, items);
    for (const f of [files.codermJsonl!, files.codermParquet!]) {
      const r = await readQuestions(f);
      expect(r.format).toBe("coderm-unittest");
      expect(r.bad).toEqual([]);
      const back = r.questions[0]!;
      expect(back.task_id).toBe("HumanEval/1");
      expect(back.question).toBe("Question HumanEval/1");
      expect(back.canonical_solution).toBe(items[0]!.question.canonical_solution);
      expect(back.unit_tests).toEqual(items[0]!.tests.map((t) => ({ ut_id: t.ut_id, code: t.code })));
      expect(back.weak).toEqual([{ sol_id: 0, code: "def add(a, b):\n    return a - b\n" }]);
    }
    const sft = readFileSync(files.sft!, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(sft).toHaveLength(2);
    const user = sft[0].messages[0].content as string;
    expect(parseUnitTestPrompt(user)).toEqual({
      question: "Question HumanEval/1",
      code: "def add(a, b):\n    return a + b",
    });
    expect(sft[0].messages[1].content).toBe(`\`\`\`python\n${items[0]!.tests[0]!.code}\n\`\`\``);
    const alpaca = JSON.parse(readFileSync(files.alpaca!, "utf8"));
    expect(alpaca[1]).toEqual({ instruction: user, input: "", output: sft[1].messages[1].content });
    const sharegpt = JSON.parse(readFileSync(files.sharegpt!, "utf8"));
    expect(sharegpt[0].conversations.map((c: { from: string }) => c.from)).toEqual(["human", "gpt"]);
    const info = JSON.parse(readFileSync(files.datasetInfo!, "utf8"));
    expect(info.coderm_unittest_sharegpt.file_name).toBe("sharegpt.json");
  });

  it("keeps integer task ids as INT64 in parquet", async () => {
    const dir = mkdtempSync(join(tmpdir(), "synth-export-"));
    const files = await writeExports(dir, [
      { ...items[0]!, question: { ...items[0]!.question, task_id: "42" } },
    ]);
    const line = JSON.parse(readFileSync(files.codermJsonl!, "utf8"));
    expect(line.task_id).toBe(42);
    expect((await readQuestions(files.codermParquet!)).questions[0]?.task_id).toBe("42");
  });
});
