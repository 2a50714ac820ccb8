import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readCodetSolutions } from "../../src/problems/codet.js";
import { VENDOR_DIR } from "../../src/problems/evalplus.js";
import { readEvalPlusSamples, writeEvalPlusSamples } from "../../src/problems/evalplus-samples.js";
import { tempDir, writeCorrupted, writeText } from "./corrupt.js";

const problems = [
  { task_id: "HumanEval/0", prompt: "def f():\n", entry_point: "f" },
  { task_id: "HumanEval/1", prompt: "def g():\n", entry_point: "g" },
];

describe("EvalPlus samples", () => {
  it("reads full solutions and completions; index = order of appearance within the task", async () => {
    const file = writeText("samples.jsonl", [
      JSON.stringify({ task_id: "HumanEval/0", solution: "def f():\n    return 0\n" }),
      JSON.stringify({ task_id: "HumanEval/1", completion: "    return 1\n" }),
      JSON.stringify({ task_id: "HumanEval/0", completion: "    return 2\n", _identifier: "x" }),
    ]);
    const r = await readEvalPlusSamples(file, { problems });
    expect(r.bad).toEqual([]);
    expect(r.records).toEqual([
      { task_id: "HumanEval/0", index: 0, solution: "def f():\n    return 0\n" },
      { task_id: "HumanEval/1", index: 0, solution: "def g():\n    return 1\n" },
      { task_id: "HumanEval/0", index: 1, solution: "def f():\n    return 2\n" },
    ]);
    // Without problems, completion lines cannot be completed: bad lines, not guesses.
    const alone = await readEvalPlusSamples(file);
    expect(alone.records.length).toBe(1);
    expect(alone.bad.map((b) => [b.line, b.reason])).toEqual([
      [2, expect.stringMatching(/needs the problems/)],
      [3, expect.stringMatching(/needs the problems/)],
    ]);
    await expect(readEvalPlusSamples(file, { strict: true })).rejects.toThrow(
      `${file}:2: a \`completion\` line`,
    );
  });

  it("rejects a corrupted copy of real samples with file:line (gz)", async () => {
    const sol = await readCodetSolutions(
      join(VENDOR_DIR, "codet/HumanEval_codegen16B_temp0.8_topp0.95_num100_max300_code_solution.jsonl"),
      join(VENDOR_DIR, "codet/HumanEval_for_code_generation.jsonl"),
    );
    const lines = sol.records
      .slice(0, 8)
      .map((s) => JSON.stringify({ task_id: s.task_id, solution: s.solution }));
    const { file, badLines } = writeCorrupted(lines, "samples.jsonl.gz", "task_id");
    const r = await readEvalPlusSamples(file);
    expect(r.bad.map((b) => b.line)).toEqual(badLines);
    expect(r.bad[1]!.reason).toMatch(/^task_id: /);
    expect(r.records.map((s) => s.solution)).toEqual([0, 2, 5, 6, 7].map((k) => sol.records[k]!.solution));
    expect(r.records.map((s) => s.index)).toEqual([0, 1, 2, 3, 4]);
  });

  it("writes {task_id, solution} lines that read back identically", async () => {
    const samples = [
      { task_id: "B", index: 1, solution: "b1" },
      { task_id: "A", index: 0, solution: "a0" },
      { task_id: "B", index: 0, solution: "b0" },
      { task_id: "A", index: 1, solution: null, rejected: "no code" },
    ];
    const out = join(tempDir(), "s.jsonl");
    await writeEvalPlusSamples(out, samples);
    expect(
      readFileSync(out, "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l)),
    ).toEqual([
      { task_id: "B", solution: "b0" },
      { task_id: "B", solution: "b1" },
      { task_id: "A", solution: "a0" },
      { task_id: "A", solution: "" },
    ]);
    const back = await readEvalPlusSamples(out);
    expect(back.records).toEqual([
      { task_id: "B", index: 0, solution: "b0" },
      { task_id: "B", index: 1, solution: "b1" },
      { task_id: "A", index: 0, solution: "a0" },
      { task_id: "A", index: 1, solution: "" },
    ]);
  });
});
