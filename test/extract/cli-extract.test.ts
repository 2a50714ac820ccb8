import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCommand } from "citty";
import { afterAll, describe, expect, it } from "vitest";
import extract from "../../src/cli/commands/extract.js";

const F = "```";
const dir = mkdtempSync(join(tmpdir(), "coderm-cli-extract-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const coderm = (...rawArgs: string[]) => runCommand(extract, { rawArgs });

describe("coderm extract", () => {
  it("extracts unit tests from raw responses, marking rejects and duplicates", async () => {
    const prompt = readFileSync("vendor/coderm/input_humaneval+_ut.jsonl", "utf8").split("\n")[0] as string;
    const { task_id, messages } = JSON.parse(prompt) as { task_id: string; messages: unknown };
    const test = (guard: string) =>
      `${F}python\nimport unittest\nfrom your_module import has_close_elements\n\nclass TestClose(unittest.TestCase):\n    def test_a(self):\n        self.assertFalse(has_close_elements([], 1.0))\n${guard}${F}`;
    const responses = [test("\nif __name__ == '__main__':\n    unittest.main()\n"), "no code", test("")];
    const input = join(dir, "merge_result.jsonl");
    const prompts = join(dir, "prompts.jsonl");
    const out = join(dir, "tests.jsonl");
    writeFileSync(input, `${JSON.stringify({ messages, responses })}\n`);
    writeFileSync(prompts, `${prompt}\n`);
    await coderm("--kind", "unit-test", "--responses", input, "--prompts", prompts, "--out", out);
    const records = readFileSync(out, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(records.map((r) => [r.task_id, r.index, r.test === null, r.rejected])).toEqual([
      [task_id, 0, false, undefined],
      [task_id, 1, true, "no ```python or ``` code block"],
      [task_id, 2, true, "duplicate of test #0"],
    ]);
    expect(records[0].test).toBe(
      "import unittest\n\nclass TestClose(unittest.TestCase):\n    def test_a(self):\n        self.assertFalse(has_close_elements([], 1.0))",
    );
  });

  it("names the flag when input is missing or wrong", async () => {
    const out = join(dir, "x.jsonl");
    await expect(coderm("--kind", "unit-test", "--out", out)).rejects.toThrow(
      "--responses: --kind unit-test needs --responses FILE and --prompts FILE",
    );
    await expect(
      coderm("--kind", "unit-test", "--responses", "a", "--prompts", "b", "--mode", "x", "--out", out),
    ).rejects.toThrow('--mode: must be one of reference, all-classes, got "x"');
    await expect(
      coderm("--kind", "assert", "--codet", "vendor/codet", "--limit", "0", "--out", out),
    ).rejects.toThrow('--limit: must be an integer ≥ 1, got "0"');
  });
});
