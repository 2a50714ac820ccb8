import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { generate, loadReplay, ReplayProvider } from "../../src/llm/index.js";

const dir = mkdtempSync(join(tmpdir(), "coderm-replay-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const vendor = (p: string) => new URL(`../../vendor/${p}`, import.meta.url).pathname;

function jsonl(name: string, rows: unknown[]): string {
  const p = join(dir, name);
  writeFileSync(p, `${rows.map((r) => JSON.stringify(r)).join("\n")}\n`);
  return p;
}

const job = (taskId: string, content = "prompt") => ({
  taskId,
  messages: [{ role: "user" as const, content }],
});

describe("replay provider", () => {
  it("serves CodeRM solutions (plain and annotated) as fenced responses, by task and index", async () => {
    const file = jsonl("sol.jsonl", [
      {
        task_id: "A",
        solutions: ["def a():\n    return 1", { solution: "def a():\n    return 2", plus_status: "pass" }],
      },
      { task_id: "B", solutions: ["def b(): pass"] },
    ]);
    const provider = new ReplayProvider(await loadReplay(file), file);
    const { results, summary } = await generate([job("A"), job("B")], { provider, role: "policy", n: 2 });
    expect(results[0]!.samples.map((s) => s.text)).toEqual([
      "```python\ndef a():\n    return 1\n```\n",
      "```python\ndef a():\n    return 2\n```\n",
    ]);
    // B has one recording: its second sample fails alone, reported, not retried.
    expect(results[1]!.samples[0]!.text).toBe("```python\ndef b(): pass\n```\n");
    expect(results[1]!.samples[1]!.text).toBeNull();
    expect(results[1]!.samples[1]!.error).toMatch(/only 1 recorded/);
    expect(summary.failures).toBe(1);
    expect(summary.retries).toBe(0);
  });

  it("strips the reference runner trailer from CodeRM unit tests", async () => {
    const test = "import unittest\nclass T(unittest.TestCase):\n    def test_a(self):\n        pass";
    const trailer =
      "\n\nsuite = unittest.TestLoader().loadTestsFromTestCase(T)\nrunner = unittest.TextTestRunner(stream=output, verbosity=2)\nresult = runner.run(suite)\nlocals_dict['result'] = result\n";
    const file = jsonl("ut.jsonl", [{ task_id: "A", unit_tests: [test + trailer] }]);
    const data = await loadReplay(file);
    expect(data.format).toBe("coderm-unit-tests");
    const { results } = await generate([job("A")], {
      provider: new ReplayProvider(data),
      role: "tester",
      n: 1,
    });
    expect(results[0]!.samples[0]!.text).toBe(`\`\`\`python\n${test}\n\`\`\`\n`);
  });

  it("serves CodeT generations, joined to task ids through CodeT's task file", async () => {
    const data = await loadReplay(
      vendor("codet/HumanEval_codegen16B_temp0.8_topp0.95_num100_max300_code_solution.jsonl"),
      { codetTasks: vendor("codet/HumanEval_for_code_generation.jsonl") },
    );
    expect(data.format).toBe("codet");
    expect(data.byTask.size).toBe(20);
    const { results, summary } = await generate([job("HumanEval/0"), job("HumanEval/19")], {
      provider: new ReplayProvider(data),
      role: "policy",
      n: 100,
    });
    expect(summary.failures).toBe(0);
    expect(results.map((r) => r.samples.length)).toEqual([100, 100]);
    expect(results[0]!.samples[0]!.text).toBe(data.byTask.get("HumanEval/0")![0]);
  });

  it("serves raw response files matched by task id or by prompt", async () => {
    const file = jsonl("raw.jsonl", [
      { messages: [{ role: "user", content: "P1" }], responses: ["r1", "r2"] },
      { task_id: "X", messages: [{ role: "user", content: "P2" }], responses: ["x1"] },
    ]);
    const provider = new ReplayProvider(await loadReplay(file));
    const { results } = await generate([job("unnamed", "P1"), job("X", "whatever")], {
      provider,
      role: "policy",
      n: 1,
    });
    expect(results.map((r) => r.samples[0]!.text)).toEqual(["r1", "x1"]);
  });

  it("names the bad line of an unreadable file", async () => {
    const file = jsonl("bad.jsonl", [{ task_id: "A", solutions: ["x"] }, { hello: 1 }]);
    await expect(loadReplay(file)).rejects.toThrow(`${file}:2`);
  });
});
