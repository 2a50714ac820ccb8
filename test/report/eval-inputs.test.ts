import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadEvalInputs } from "../../src/evaluate/eval-inputs.js";
import { readPassMatrices, writePassMatrices } from "../../src/matrix/results-io.js";

let dir: string;
const write = (name: string, records: unknown[]) => {
  const file = join(dir, name);
  writeFileSync(file, `${records.map((r) => JSON.stringify(r)).join("\n")}\n`);
  return file;
};
const pair = (task_id: string, solution: number, test: number, passed: boolean) => ({
  task_id,
  solution,
  test,
  verdict: passed ? "pass" : "fail",
  passed,
});

let f: Record<string, string>;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "coderm-inputs-"));
  f = {
    problems: write(
      "problems.jsonl",
      ["B", "A", "C"].map((t) => ({ task_id: t, prompt: "", entry_point: "f" })),
    ),
    solutions: write(
      "solutions.jsonl",
      ["A", "B", "C"].flatMap((t) => [0, 1, 2].map((index) => ({ task_id: t, index, solution: "x" }))),
    ),
    tests: write(
      "tests.jsonl",
      ["A", "B", "C"].flatMap((t) => [0, 1].map((index) => ({ task_id: t, index, test: "y" }))),
    ),
    // C has no results at all; Z is not a problem; A lacks (2, 1).
    results: write("results.jsonl", [
      pair("A", 0, 0, true),
      pair("A", 0, 1, true),
      pair("A", 1, 0, false),
      pair("A", 1, 1, true),
      pair("A", 2, 0, true),
      pair("B", 0, 0, true),
      pair("Z", 0, 0, true),
    ]),
    // A's solution 1 has no label.
    labels: write("labels.jsonl", [
      { task_id: "A", index: 0, base_status: "pass", correct: true },
      { task_id: "A", index: 2, base_status: "fail", correct: false },
      { task_id: "C", index: 1, base_status: "pass", correct: true },
    ]),
  };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("loadEvalInputs", () => {
  it("sizes matrices from solutions and tests, keeps problem order, keeps problems without results", async () => {
    const r = await loadEvalInputs(f);
    expect([...r.matrices.keys()]).toEqual(["B", "A", "C"]);
    const a = r.matrices.get("A")!;
    expect([a.solutions, a.tests, a.missingCount()]).toEqual([3, 2, 1]);
    expect(a.toRows()).toEqual([
      [1, 1],
      [0, 1],
      [1, 0],
    ]);
    const c = r.matrices.get("C")!;
    expect([c.solutions, c.tests, c.missingCount()]).toEqual([3, 2, 6]);
    expect(r.labels.get("A")).toEqual([true, false, false]);
    expect(r.labels.get("C")).toEqual([false, true, false]);
    expect(r.notes).toContain("1 tasks with results are not in the problem set and were ignored");
    expect(r.notes).toContain("1 problems have no results: every pair counts as a fail");
    expect(r.notes).toContain("3 solutions of labelled problems have no label and count as incorrect");
  });

  it("leaves out problems that were not run at all, keeps labelled ones without results", async () => {
    const problems = write(
      "more-problems.jsonl",
      ["A", "D", "E"].map((t) => ({ task_id: t, prompt: "", entry_point: "f" })),
    );
    const labels = write("more-labels.jsonl", [
      { task_id: "A", index: 0, base_status: "pass", correct: true },
      { task_id: "E", index: 3, base_status: "pass", correct: true },
    ]);
    const r = await loadEvalInputs({ ...f, problems, labels });
    expect([...r.matrices.keys()]).toEqual(["A", "E"]);
    // E: 4 labelled solutions, no tests, no results.
    expect([r.matrices.get("E")!.solutions, r.matrices.get("E")!.tests]).toEqual([4, 0]);
    expect(r.labels.get("E")).toEqual([false, false, false, true]);
    expect(r.notes).toContain("1 problems have no solutions, tests, results or labels and were left out");
    expect(r.notes).toContain("1 problems have no results: every pair counts as a fail");
    const none = await loadEvalInputs({ ...f, labels: undefined });
    expect(none.labels.size).toBe(0);
  });

  it("reads a pass-matrix file instead of results", async () => {
    const { matrices } = await readPassMatrices(f.results!);
    const file = join(dir, "matrix.jsonl");
    await writePassMatrices(file, matrices);
    const r = await loadEvalInputs({ matrix: file });
    expect([...r.matrices.keys()]).toEqual(["A", "B", "Z"]);
    expect(r.matrices.get("A")!.toRows()).toEqual(matrices.get("A")!.toRows());
  });

  it("needs results and labels that match some problem", async () => {
    await expect(loadEvalInputs({ labels: f.labels })).rejects.toThrow(/give --results/);
    const other = write("other.jsonl", [{ task_id: "Q", index: 0, base_status: "pass", correct: true }]);
    await expect(loadEvalInputs({ ...f, labels: other })).rejects.toThrow(
      /labels cover none of the 3 problems/,
    );
  });
});
