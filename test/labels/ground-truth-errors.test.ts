/**
 * A task whose canonical solution fails has no ground truth: its samples are labelled with the reason and
 * no verdict, every other task is labelled, and a rerun tries only those samples again.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getBenchmark, groundTruthOf } from "../../src/benchmarks/index.js";
import { loadEvalInputs } from "../../src/evaluate/eval-inputs.js";
import { labelSamples } from "../../src/evaluate/label-samples.js";
import type { LabelExecutor } from "../../src/evaluate/labels/index.js";
import { readEvalPlusProblems } from "../../src/problems/evalplus.js";
import type { Label } from "../../src/records.js";
import { Sandbox } from "../../src/sandbox/index.js";
import { HUMANEVAL_FIXTURE, writeFixture } from "./fixtures.js";

let executor: LabelExecutor;
beforeAll(async () => {
  executor = (await Sandbox.start({ workers: 2 })).executor("labels");
}, 60_000);
afterAll(async () => {
  await executor.close();
});

const broken = JSON.stringify({
  task_id: "F/broken",
  prompt: "def broken(x):\n",
  entry_point: "broken",
  canonical_solution: "    raise RuntimeError('the dataset is wrong')\n",
  test: "",
  contract: "",
  base_input: [[1]],
  atol: 0,
  plus_input: [[2]],
});

describe("ground truth failing on one task", () => {
  it("labels every other task and marks that task's samples with the reason; a rerun retries them", async () => {
    const file = writeFixture([HUMANEVAL_FIXTURE.find((l) => l.includes('"F/inc"')) as string, broken]);
    const problems = (await readEvalPlusProblems(file, "humaneval+", { strict: true })).records;
    const spec = groundTruthOf(problems, getBenchmark("humaneval+"));
    if (!spec) throw new Error("no spec");
    const samples = [
      { task_id: "F/inc", index: 0, solution: "def inc(x):\n    return x + 1\n" },
      { task_id: "F/broken", index: 0, solution: "def broken(x):\n    return x\n" },
      { task_id: "F/broken", index: 1, solution: "def broken(x):\n    return 0\n" },
      { task_id: "F/inc", index: 1, solution: "def inc(x):\n    return x\n" },
    ];
    const out = join(mkdtempSync(join(tmpdir(), "coderm-gt-err-")), "labels.jsonl");
    const errors: string[] = [];
    const opts = {
      executor,
      file: out,
      problemsFile: file,
      cacheDir: null,
      onTaskError: (task: string, reason: string) => errors.push(`${task}: ${reason}`),
    };
    await labelSamples(spec, problems, samples, opts);
    const read = () =>
      readFileSync(out, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Label);
    const first = read();
    expect(errors).toEqual([expect.stringMatching(/^F\/broken: canonical solution failed: .*RuntimeError/)]);
    const by = new Map(first.map((l) => [`${l.task_id}#${l.index}`, l]));
    expect(by.get("F/inc#0")).toMatchObject({ correct: true, base_status: "pass", plus_status: "pass" });
    expect(by.get("F/inc#1")).toMatchObject({ correct: false });
    expect(by.get("F/inc#1")?.error).toBeUndefined();
    for (const k of ["F/broken#0", "F/broken#1"]) {
      expect(by.get(k)).toMatchObject({ correct: false, error: expect.stringMatching(/RuntimeError/) });
    }
    // A rerun keeps the verdicts, tries the two samples without one again, and writes each sample once.
    const again = await labelSamples(spec, problems, samples, opts);
    expect(again.kept).toBe(2);
    const second = read();
    expect(second.length).toBe(4);
    expect(second.filter((l) => l.error !== undefined).map((l) => l.index)).toEqual([0, 1]);
    // An evaluation over these labels says how many had no verdict.
    const results = join(mkdtempSync(join(tmpdir(), "coderm-gt-err-")), "results.jsonl");
    writeFileSync(
      results,
      `${JSON.stringify({ task_id: "F/inc", solution: 0, test: 0, verdict: "pass", passed: true })}\n`,
    );
    const inputs = await loadEvalInputs({ results, labels: out });
    expect(inputs.notes.join("\n")).toContain("2 labels have no verdict");
  }, 60_000);
});
