/**
 * A benchmark is one unit: the toy benchmark lives in one folder (test/fixtures/toy-benchmark/), and once
 * registered it is a `--benchmark` choice of the CLI commands, builds prompts, and gets labels and
 * accuracy from `run()` with nothing else touched.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCommand } from "citty";
import { afterAll, describe, expect, it } from "vitest";
import { benchmarkNames, registerBenchmark, resolveProblems } from "../../src/benchmarks/index.js";
import problemsCommand from "../../src/cli/commands/problems.js";
import { buildPrompts } from "../../src/prompts/index.js";
import { parseRunConfig } from "../../src/run/config.js";
import { run } from "../../src/run/run.js";
import { TOY_DIR, toy } from "../fixtures/toy-benchmark/index.js";

registerBenchmark(toy);
const dir = mkdtempSync(join(tmpdir(), "coderm-toy-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("a toy benchmark added in one folder", () => {
  it("is a benchmark name everywhere: resolveProblems, prompts, `coderm problems`", async () => {
    expect(benchmarkNames()).toContain("toy");
    const r = await resolveProblems("toy");
    expect(r.benchmark?.name).toBe("toy");
    expect(r.problems.map((p) => p.task_id)).toEqual(["Toy/0", "Toy/1"]);
    const [prompt] = buildPrompts(r.problems, "policy", r.benchmark?.prompts);
    expect(prompt?.messages[0]?.content).toContain("def add(a, b):");
    const out = join(dir, "toy.jsonl");
    await runCommand(problemsCommand, { rawArgs: ["--benchmark", "toy", "--out", out] });
    expect(readFileSync(out, "utf8").trim().split("\n")).toHaveLength(2);
  });

  it("runs through run(): execute, select, label with its ground truth, evaluate", async () => {
    const out = await run(
      parseRunConfig(
        {},
        {
          benchmark: "toy",
          out: join(dir, "run"),
          n: 3,
          m: 2,
          policy: { replay: join(TOY_DIR, "solutions.jsonl") },
          tester: { replay: join(TOY_DIR, "tests.jsonl") },
          sandbox: { workers: 1 },
          evaluation: { samples: 5 },
        },
      ),
    );
    const labels = readFileSync(out.files.labels!, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(
      labels.map((l: { task_id: string; index: number; correct: boolean }) => [
        l.task_id,
        l.index,
        l.correct,
      ]),
    ).toEqual(
      expect.arrayContaining([
        ["Toy/0", 0, true],
        ["Toy/0", 1, false],
        ["Toy/1", 0, true],
        ["Toy/1", 1, false],
      ]),
    );
    // The vote picks the solutions that pass the tests: both problems solved.
    expect(out.summary.strategies.find((s) => s.strategy === "coderm-vote")?.best.mean).toBe(1);
    expect(out.selected.map((s) => s.index)).toEqual([0, 0]);
  });
});
