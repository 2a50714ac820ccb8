import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readCodermPrompts, readCodermResponses, readCodetTasks, readCodetTests } from "../problems/index.js";
import { assertCaseExtractor, solutionExtractor, unitTestExtractor } from "./hooks.js";
import { initPython } from "./python-parser.js";

const F = "```";
const dir = mkdtempSync(join(tmpdir(), "coderm-extract-"));
beforeAll(() => initPython());
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("extractors plugged into the interop readers", () => {
  it("reads CodeRM raw unit-test responses, joined to the vendored prompts, with reasons for rejects", async () => {
    const prompts = (await readCodermPrompts("vendor/coderm/input_humaneval+_ut.jsonl", { strict: true }))
      .records;
    const first = prompts[0];
    if (!first) throw new Error("no prompts");
    const responses = [
      `${F}python\nimport unittest\nfrom math import fabs\nfrom your_module import has_close_elements\n\nclass TestClose(unittest.TestCase):\n    def test_close(self):\n        self.assertTrue(has_close_elements([1.0, 1.05], 0.1))\n${F}`,
      "I cannot write tests for this.",
    ];
    const file = join(dir, "merge_result.jsonl");
    writeFileSync(file, `${JSON.stringify({ messages: first.messages, responses })}\n`);
    const entryPoints = new Map([[first.task_id, "fabs"]]);
    const read = await readCodermResponses(file, prompts, "unit-test", {
      strict: true,
      extract: unitTestExtractor({}, entryPoints),
    });
    expect(read.records).toHaveLength(2);
    const [ok, bad] = read.records as { test: string | null; rejected?: string; task_id: string }[];
    expect(ok?.task_id).toBe("HumanEval/0");
    expect(ok?.test?.split("\n")[0]).toBe("import unittest");
    expect(ok?.test).not.toContain("fabs");
    expect(bad).toMatchObject({ test: null, rejected: "no ```python or ``` code block" });
  });

  it("reads solutions with the lenient extractor", async () => {
    const prompts = (await readCodermPrompts("vendor/coderm/input_humaneval+_sol.jsonl", { strict: true }))
      .records;
    const first = prompts[0];
    if (!first) throw new Error("no prompts");
    const file = join(dir, "sol.jsonl");
    const two = `${F}python\ndef a():\n    pass\n${F}\n${F}python\ndef has_close_elements(n, t):\n    return False\n${F}`;
    writeFileSync(file, `${JSON.stringify({ messages: first.messages, responses: [two] })}\n`);
    const strict = await readCodermResponses(file, prompts, "solution", { extract: solutionExtractor() });
    expect(strict.records[0]).toMatchObject({
      solution: null,
      rejected: "2 code blocks (exactly one required)",
    });
    const longest = await readCodermResponses(file, prompts, "solution", {
      extract: solutionExtractor({ mode: "longest" }),
    });
    expect(longest.records[0]).toMatchObject({ solution: "def has_close_elements(n, t):\n    return False" });
  });

  it("reads CodeT's vendored test samples as assert cases", async () => {
    const tasks = (await readCodetTasks("vendor/codet/HumanEval_for_test_case_generation.jsonl")).records;
    const entryPoints = new Map(tasks.map((t) => [t.task_id, t.entry_point]));
    const read = await readCodetTests(
      "vendor/codet/HumanEval_codegen16B_temp0.8_topp0.95_num100_max300_test_case.jsonl",
      "vendor/codet/HumanEval_for_test_case_generation.jsonl",
      { extractCases: assertCaseExtractor(entryPoints) },
    );
    expect(read.records).toHaveLength(2000);
    const withCases = read.records.filter((r) => (r.cases?.length ?? 0) > 0);
    for (const r of withCases) {
      expect(r.cases?.length).toBeLessThanOrEqual(5);
      expect(r.test).toBe(r.cases?.join("\n"));
    }
    for (const r of read.records.filter((x) => x.test === null))
      expect(r.rejected).toMatch(/^no (valid|assert) case/);
    expect(withCases.length).toBeGreaterThan(200);
  });
});
