import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runCommand } from "citty";
import { describe, expect, it } from "vitest";
import problemsCommand from "../../src/cli/commands/problems.js";
import { readJsonl } from "../../src/io/jsonl.js";
import { ProblemSchema } from "../../src/records.js";
import { tempDir } from "./corrupt.js";

const LCB = fileURLToPath(new URL("../fixtures/livecodebench/code_generation_lite", import.meta.url));

describe("coderm problems", () => {
  it("writes a date window of LiveCodeBench as Problem JSONL that reads back with the decoded tests", async () => {
    const out = join(tempDir(), "lcb.jsonl");
    const rawArgs = [
      "--benchmark",
      "livecodebench",
      "--lcb-dir",
      LCB,
      "--since",
      "2023-08-20",
      "--until",
      "2024-03-31",
    ];
    await runCommand(problemsCommand, { rawArgs: [...rawArgs, "--out", out] });
    const r = await readJsonl(out, ProblemSchema);
    expect(r.bad).toEqual([]);
    expect(r.records.map((p) => p.task_id)).toEqual(["3000", "3100"]);
    expect(r.records[0]!.livecodebench!.private_test_cases.length).toBe(3);
  });

  it("refuses date flags for EvalPlus benchmarks and unknown benchmarks", async () => {
    await expect(
      runCommand(problemsCommand, { rawArgs: ["--benchmark", "mbpp+", "--since", "2024-01-01"] }),
    ).rejects.toThrow(/livecodebench only/);
    await expect(runCommand(problemsCommand, { rawArgs: ["--benchmark", "apps"] })).rejects.toThrow(
      /unknown benchmark/,
    );
  });
});
