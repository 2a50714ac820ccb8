import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isCodermError } from "../../src/errors.js";
import {
  readCodermPrompts,
  readCodermResponses,
  readCodermSolutions,
  readCodermUnitTests,
  unwrapCodermUnitTest,
  wrapCodermUnitTest,
  writeCodermPrompts,
  writeCodermSolutions,
  writeCodermUnitTests,
} from "../../src/problems/coderm.js";
import { VENDOR_DIR } from "../../src/problems/evalplus.js";
import { readRealLines, tempDir, writeCorrupted, writeText } from "./corrupt.js";

const PROMPTS = ["humaneval+", "mbpp+", "livecodebench"].flatMap((b) =>
  ["sol", "ut"].map((k) => join(VENDOR_DIR, "coderm", `input_${b}_${k}.jsonl`)),
);

// A unit test exactly as the reference's extract_unit_test.py writes it (UNITTEST_FORMAT).
const TEST_CLASS = `import unittest
class TestAdd(unittest.TestCase):
    def test_small(self):
        self.assertEqual(add(1, 2), 3)`;
const REFERENCE_ENTRY = `${TEST_CLASS}

suite = unittest.TestLoader().loadTestsFromTestCase(TestAdd)
runner = unittest.TextTestRunner(stream=output, verbosity=2)
result = runner.run(suite)
locals_dict['result'] = result
`;

describe("CodeRM prompt files", () => {
  it("reads every vendored prompt file", async () => {
    const counts: number[] = [];
    for (const file of PROMPTS) {
      const r = await readCodermPrompts(file);
      expect(r.bad).toEqual([]);
      counts.push(r.records.length);
    }
    expect(counts).toEqual([164, 164, 378, 378, 168, 168]);
    const ut = await readCodermPrompts(PROMPTS[1]!);
    expect(ut.records[0]!.messages[0]!.content).toMatch(
      /^Below is a question and it's corresponding code answer/,
    );
  });

  it("rejects a corrupted copy with file:line and keeps the good lines; strict stops at the first", async () => {
    const lines = readRealLines(PROMPTS[0]!, 8);
    const { file, badLines } = writeCorrupted(lines, "input.jsonl.gz", "messages", "hi");
    const r = await readCodermPrompts(file);
    expect(r.bad.map((b) => b.line)).toEqual(badLines);
    expect(r.bad[1]!.reason).toMatch(/^messages: /);
    expect(r.records.map((p) => p.task_id)).toEqual([
      "HumanEval/0",
      "HumanEval/2",
      "HumanEval/5",
      "HumanEval/6",
      "HumanEval/7",
    ]);
    await expect(readCodermPrompts(file, { strict: true })).rejects.toSatisfy(
      (e: unknown) => isCodermError(e) && e.code === "E_BAD_LINE" && e.message.startsWith(`${file}:2: `),
    );
  });

  it("round-trips through writeCodermPrompts", async () => {
    const r = await readCodermPrompts(PROMPTS[3]!);
    const out = join(tempDir(), "p.jsonl");
    await writeCodermPrompts(out, r.records);
    expect((await readCodermPrompts(out)).records).toEqual(r.records);
  });
});

describe("CodeRM result files", () => {
  it("reads plain and annotated solution lists, with labels from plus_status / result", async () => {
    const file = writeText("sol.jsonl", [
      JSON.stringify({
        task_id: "HumanEval/0",
        solutions: ["def f():\n    return 1", "def f():\n    return 2"],
      }),
      JSON.stringify({
        task_id: "HumanEval/1",
        solutions: [
          { solution: "a = 1", base_status: "pass", plus_status: "fail" },
          { solution: "a = 2", plus_status: "pass" },
          { solution: "a = 3" },
        ],
      }),
      JSON.stringify({
        task_id: "3228",
        solutions: [
          { solution: "print(1)", result: "pass" },
          { solution: "x", result: false },
          { solution: "y", base_status: "pass", plus_status: "timeout" },
        ],
      }),
    ]);
    const r = await readCodermSolutions(file);
    expect(r.bad).toEqual([]);
    expect(r.records.map((s) => [s.task_id, s.index, s.solution])).toEqual([
      ["HumanEval/0", 0, "def f():\n    return 1"],
      ["HumanEval/0", 1, "def f():\n    return 2"],
      ["HumanEval/1", 0, "a = 1"],
      ["HumanEval/1", 1, "a = 2"],
      ["HumanEval/1", 2, "a = 3"],
      ["3228", 0, "print(1)"],
      ["3228", 1, "x"],
      ["3228", 2, "y"],
    ]);
    expect(r.labels).toEqual([
      { task_id: "HumanEval/1", index: 0, base_status: "pass", plus_status: "fail", correct: false },
      { task_id: "HumanEval/1", index: 1, base_status: "pass", plus_status: "pass", correct: true },
      { task_id: "3228", index: 0, base_status: "pass", correct: true },
      { task_id: "3228", index: 1, base_status: "fail", correct: false },
      {
        task_id: "3228",
        index: 2,
        base_status: "pass",
        plus_status: "fail",
        correct: false,
        details: "timeout",
      },
    ]);
    // Round trip in the annotated form.
    const out = join(tempDir(), "sol-out.jsonl.gz");
    await writeCodermSolutions(out, r.records, r.labels);
    const back = await readCodermSolutions(out);
    expect(back.records).toEqual(r.records);
    expect(back.labels.map((l) => l.correct)).toEqual(r.labels.map((l) => l.correct));
  });

  it("treats entries as raw responses when given an extractor", async () => {
    const file = writeText("sol.jsonl", [
      JSON.stringify({ task_id: "T", solutions: ["Here:\n```python\nx = 1\n```", "no code"] }),
    ]);
    const extract = (raw: string) => {
      const m = /```python\n([\s\S]*?)\n```/.exec(raw);
      return m ? { text: m[1]! } : { text: null, rejected: "no code block" };
    };
    const r = await readCodermSolutions(file, { extract });
    expect(r.records).toEqual([
      { task_id: "T", index: 0, solution: "x = 1", response: "Here:\n```python\nx = 1\n```" },
      { task_id: "T", index: 1, solution: null, response: "no code", rejected: "no code block" },
    ]);
    const out = join(tempDir(), "o.jsonl");
    expect(await writeCodermSolutions(out, r.records)).toEqual({ skipped: 1 });
    expect(JSON.parse(readFileSync(out, "utf8"))).toEqual({ task_id: "T", solutions: ["x = 1"] });
  });

  it("strips and restores the reference runner trailer of unit tests", async () => {
    expect(unwrapCodermUnitTest(REFERENCE_ENTRY)).toEqual({ test: TEST_CLASS, className: "TestAdd" });
    expect(wrapCodermUnitTest(TEST_CLASS, "TestAdd")).toBe(REFERENCE_ENTRY);
    expect(unwrapCodermUnitTest("class X: pass")).toEqual({ test: "class X: pass" });
    const file = writeText("ut.jsonl", [
      JSON.stringify({
        task_id: "HumanEval/0",
        unit_tests: [REFERENCE_ENTRY, REFERENCE_ENTRY.replace(/TestAdd/g, "TestMore")],
      }),
      JSON.stringify({ task_id: "HumanEval/1", unit_tests: [] }),
    ]);
    const r = await readCodermUnitTests(file);
    expect(r.records).toEqual([
      { task_id: "HumanEval/0", index: 0, format: "unittest", test: TEST_CLASS },
      {
        task_id: "HumanEval/0",
        index: 1,
        format: "unittest",
        test: TEST_CLASS.replace("TestAdd", "TestMore"),
      },
    ]);
    const out = join(tempDir(), "ut-out.jsonl");
    await writeCodermUnitTests(out, r.records);
    expect(readFileSync(out, "utf8").split("\n")[0]).toBe(readFileSync(file, "utf8").split("\n")[0]);
  });

  it("rejects corrupted result lines with file:line", async () => {
    const good = Array.from({ length: 6 }, (_, k) =>
      JSON.stringify({ task_id: `T/${k}`, unit_tests: [REFERENCE_ENTRY] }),
    );
    const { file, badLines } = writeCorrupted(good, "ut.jsonl", "unit_tests", [1]);
    const r = await readCodermUnitTests(file);
    expect(r.bad.map((b) => b.line)).toEqual(badLines);
    expect(r.bad[2]!.reason).toMatch(/^unit_tests\.0: /);
    expect(r.records.map((t) => t.task_id)).toEqual(["T/0", "T/2", "T/5"]);
    const sol = writeCorrupted(
      good.map((l) => l.replace('"unit_tests"', '"solutions"')),
      "sol.jsonl",
      "solutions",
      [{ code: "x" }],
    );
    const s = await readCodermSolutions(sol.file);
    expect(s.bad.map((b) => b.line)).toEqual(sol.badLines);
    await expect(readCodermSolutions(sol.file, { strict: true })).rejects.toThrow(
      `${sol.file}:2: invalid JSON`,
    );
  });

  it("joins raw inference output to task ids by prompt content", async () => {
    const prompts = (await readCodermPrompts(PROMPTS[0]!)).records;
    const p3 = prompts[3]!;
    const p0 = prompts[0]!;
    const file = writeText("merge_result.jsonl", [
      JSON.stringify({ messages: p3.messages, prompt: "<chat>", responses: ["```python\nx = 3\n```"] }),
      JSON.stringify({ messages: [{ role: "user", content: "unknown" }], responses: ["?"] }),
      JSON.stringify({ messages: p0.messages, prompt: "<chat>", responses: ["a", "```python\nx = 0\n```"] }),
    ]);
    const extract = (raw: string) => {
      const m = /```python\n([\s\S]*?)\n```/.exec(raw);
      return m ? { text: m[1]! } : { text: null, rejected: "no code block" };
    };
    const r = await readCodermResponses(file, prompts, "solution", { extract });
    expect(r.bad).toEqual([{ file, line: 2, reason: "messages match no prompt in the prompt file" }]);
    expect(r.records).toEqual([
      { task_id: p3.task_id, index: 0, solution: "x = 3", response: "```python\nx = 3\n```" },
      { task_id: "HumanEval/0", index: 0, solution: null, response: "a", rejected: "no code block" },
      { task_id: "HumanEval/0", index: 1, solution: "x = 0", response: "```python\nx = 0\n```" },
    ]);
    const t = await readCodermResponses(file, prompts, "unit-test");
    expect(t.records[0]).toEqual({
      task_id: p3.task_id,
      index: 0,
      format: "unittest",
      test: null,
      response: "```python\nx = 3\n```",
      rejected: "not extracted",
    });
  });
});
