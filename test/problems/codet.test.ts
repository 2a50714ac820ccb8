import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isCodermError } from "../../src/errors.js";
import {
  CODET_FILES,
  readCodetDir,
  readCodetSolutions,
  readCodetTests,
  writeCodetSamples,
} from "../../src/problems/codet.js";
import { VENDOR_DIR } from "../../src/problems/evalplus.js";
import { readRealLines, tempDir, writeCorrupted, writeText } from "./corrupt.js";

const DIR = join(VENDOR_DIR, "codet");
const f = (k: keyof typeof CODET_FILES) => join(DIR, CODET_FILES[k]);

describe("CodeT generation files", () => {
  it("joins the vendored slice on prompt: 20 tasks x 100 solutions and tests", async () => {
    const { solutions, tests } = await readCodetDir(DIR);
    expect([solutions.bad, tests.bad]).toEqual([[], []]);
    expect(solutions.records.length).toBe(2000);
    expect(tests.records.length).toBe(2000);
    expect(new Set(solutions.records.map((s) => s.task_id)).size).toBe(20);
    // Rows are not in task order in the release; the join must still name each one correctly.
    const raw = readRealLines(f("solutions"), 30).map(
      (l) => JSON.parse(l) as { prompt: string; samples: string[] },
    );
    const task5 = solutions.problems.find((p) => p.task_id === "HumanEval/5")!;
    const row = raw.find((r) => r.prompt === task5.prompt)!;
    const s = solutions.records.filter((x) => x.task_id === "HumanEval/5");
    expect(s.map((x) => x.index)).toEqual([...Array(100).keys()]);
    expect(s[7]!.response).toBe(row.samples[7]);
    expect(s[7]!.solution).toBe(task5.prompt + row.samples[7]);
    const t = tests.records.find((x) => x.task_id === "HumanEval/0" && x.index === 1)!;
    expect(t.format).toBe("assert");
    expect(t.test).toBe(`assert ${t.response}`);
    expect(t.test).toContain("has_close_elements(");
  });

  it("applies an extractor to completions and a case extractor to test samples", async () => {
    const sol = await readCodetSolutions(f("solutions"), f("solutionTasks"), {
      extract: (raw) => {
        const cut = raw.indexOf("\n#");
        return cut === 0 ? { text: null, rejected: "empty" } : { text: cut < 0 ? raw : raw.slice(0, cut) };
      },
    });
    const cutOnes = sol.records.filter((x) => (x.response ?? "").indexOf("\n#") > 0);
    expect(cutOnes.length).toBeGreaterThan(0);
    for (const x of cutOnes) {
      const p = sol.problems.find((q) => q.task_id === x.task_id)!;
      expect(x.solution).toBe(p.prompt + x.response!.slice(0, x.response!.indexOf("\n#")));
    }
    const tests = await readCodetTests(f("tests"), f("testTasks"), {
      extractCases: (raw) => ({
        cases: `assert ${raw}`
          .split(/\nassert /)
          .map((c, k) => (k === 0 ? c : `assert ${c}`).trim())
          .filter((c) => c.length > "assert ".length)
          .slice(0, 5),
      }),
    });
    const t = tests.records.find((x) => x.task_id === "HumanEval/0" && x.index === 1)!;
    expect(t.cases!.length).toBe(5);
    expect(t.cases!.every((c) => c.startsWith("assert "))).toBe(true);
    expect(t.test).toBe(t.cases!.join("\n"));
    const empty = tests.records.find((x) => x.response === "\n")!;
    expect(empty.test).toBeNull();
    expect(empty.rejected).toBe("no test cases");
  });

  it("reports unmatched prompts and broken lines with file:line, keeps the rest", async () => {
    const lines = readRealLines(f("solutions"), 8);
    const { file, badLines } = writeCorrupted(lines, "sol.jsonl.gz", "samples", "not a list");
    const unknown = JSON.stringify({ prompt: "def nope():\n", samples: ["pass"] });
    const dup = lines[0]!;
    const withExtra = writeText("sol2.jsonl", [...readRealLines(file, 8), unknown, dup]);
    const r = await readCodetSolutions(withExtra, f("solutionTasks"));
    expect(r.bad.map((b) => b.line)).toEqual([...badLines, 9, 10]);
    expect(r.bad[3]!.reason).toMatch(/prompt matches no task/);
    expect(r.bad[4]!.reason).toMatch(/second row for HumanEval\//);
    expect(r.records.length).toBe(5 * 100);
    await expect(readCodetSolutions(withExtra, f("solutionTasks"), { strict: true })).rejects.toSatisfy(
      (e: unknown) => isCodermError(e) && e.message.startsWith(`${withExtra}:2: invalid JSON`),
    );
    const onlyUnknown = writeText("sol3.jsonl", [lines[0]!, unknown]);
    await expect(readCodetSolutions(onlyUnknown, f("solutionTasks"), { strict: true })).rejects.toThrow(
      `${onlyUnknown}:2: prompt matches no task`,
    );
  });

  it("writes {prompt, samples} lines that read back to the same samples", async () => {
    const sol = await readCodetSolutions(f("solutions"), f("solutionTasks"));
    const out = join(tempDir(), "out.jsonl");
    await writeCodetSamples(out, sol.problems, sol.records);
    const back = await readCodetSolutions(out, f("solutionTasks"));
    expect(back.records).toEqual(sol.records);
    // Without raw responses, the prompt prefix is stripped off full solutions.
    const stripped = sol.records.map(({ response: _r, ...s }) => s);
    await writeCodetSamples(out, sol.problems, stripped);
    const again = readFileSync(out, "utf8").split("\n")[0]!;
    expect(JSON.parse(again).samples).toEqual(
      sol.records.filter((s) => s.task_id === sol.records[0]!.task_id).map((s) => s.response),
    );
  });
});
