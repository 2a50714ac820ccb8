import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { PassMatrix } from "../../src/matrix/pass-matrix.js";
import { writePassMatrices } from "../../src/matrix/results-io.js";
import {
  calibration,
  crossFitIsotonic,
  difficultyFeature,
  equalBudgetFor,
  fitIsotonic,
  predictIsotonic,
  renderScaleMarkdown,
  renderScaleSvg,
  type ScaleProblem,
  scaleEval,
  spearman,
} from "../../src/scaling/index.js";

const run = promisify(execFile);

/**
 * Three problems whose answer is known by hand. "easy": every solution correct and passing; "split":
 * solution 0 correct and passing every test, solution 1 wrong and failing all; "hopeless": nothing
 * correct, nothing passes. Only "split" needs a test (credit 1 with one, 0.5 without).
 */
function knownProblems(): ScaleProblem[] {
  return [
    {
      taskId: "easy",
      matrix: PassMatrix.fromRows([
        [1, 1, 1, 1],
        [1, 1, 1, 1],
      ]),
      correct: [true, true],
    },
    {
      taskId: "split",
      matrix: PassMatrix.fromRows([
        [1, 1, 1, 1],
        [0, 0, 0, 0],
      ]),
      correct: [true, false],
    },
    {
      taskId: "hopeless",
      matrix: PassMatrix.fromRows([
        [0, 0, 0, 0],
        [0, 0, 0, 0],
      ]),
      correct: [false, false],
    },
  ];
}

describe("scale-eval", () => {
  it("gives the hand-computed accuracies on a synthetic matrix", () => {
    const r = scaleEval(knownProblems(), { budgets: [1 / 3, 1, 2], samples: 5, seed: 1 });
    // One test in total: equal gives it to the first problem ("easy"), wasting it; gold λ sends it to "split".
    expect(r.accuracy.equal[0]).toBeCloseTo(0.5, 12);
    expect(r.accuracy["dynamic-gold"][0]).toBeCloseTo(2 / 3, 12);
    // The probe round (1 per problem) cannot be paid with 1 test: predicted falls back to equal.
    expect(r.accuracy["dynamic-predicted"][0]).toBeCloseTo(0.5, 12);
    for (const a of r.allocations) {
      expect(r.accuracy[a][1]).toBeCloseTo(2 / 3, 12);
      expect(r.accuracy[a][2]).toBeCloseTo(2 / 3, 12);
      expect(r.stderr[a][2]).toBeCloseTo(0, 12);
    }
    expect(r.allTests).toBeCloseTo(2 / 3, 12);
    expect(r.vanilla).toBeCloseTo(0.5, 12);
    expect(r.testsUsed.equal[1]).toBe(1);
    expect(r.testsUsed["dynamic-gold"][2]).toBe(2);
    const md = renderScaleMarkdown(r);
    expect(md).toContain("| 1 | 66.67 ± 0.00");
    expect(renderScaleSvg(r)).toContain('data-series="dynamic, gold λ"');
  });

  it("interpolates the equal budget needed for an accuracy in log2 budget", () => {
    expect(equalBudgetFor(0.6, [1, 2, 4], [0.5, 0.7, 0.8])).toBeCloseTo(2 ** 0.5, 12);
    expect(equalBudgetFor(0.4, [1, 2, 4], [0.5, 0.7, 0.8])).toBe(1);
    expect(equalBudgetFor(0.9, [1, 2, 4], [0.5, 0.7, 0.8])).toBeUndefined();
  });

  it("runs end to end from files through the CLI", async () => {
    const dir = mkdtempSync(join(tmpdir(), "scale-eval-"));
    const problems = knownProblems();
    await writePassMatrices(join(dir, "m.jsonl"), new Map(problems.map((p) => [p.taskId, p.matrix])));
    const labels = problems.flatMap((p) =>
      p.correct.map((c, index) =>
        JSON.stringify({ task_id: p.taskId, index, base_status: c ? "pass" : "fail", correct: c }),
      ),
    );
    writeFileSync(join(dir, "l.jsonl"), `${labels.join("\n")}\n`);
    const out = join(dir, "out");
    const { stdout } = await run(
      process.execPath,
      [
        "--import",
        "tsx",
        "src/cli/main.ts",
        "scale-eval",
        "--matrix",
        join(dir, "m.jsonl"),
        "--labels",
        join(dir, "l.jsonl"),
        "--budgets",
        "1,2",
        "--samples",
        "3",
        "--out",
        out,
      ],
      { cwd: join(import.meta.dirname, "../..") },
    );
    expect(stdout).toContain(
      "| 2 | 66.67 ± 0.00 | 66.67 ± 0.00 | 66.67 ± 0.00 | 66.67 ± 0.00 | 66.67 ± 0.00 |",
    );
    const json = JSON.parse(readFileSync(join(out, "scale-eval.json"), "utf8"));
    expect(json.accuracy.equal).toHaveLength(2);
    expect(readFileSync(join(out, "scale-eval.svg"), "utf8")).toMatch(/^<svg/);
    // Bad flags fail with the flag named (in-process: the same command object the binary runs).
    const { runCommand } = await import("citty");
    const command = (await import("../../src/cli/commands/scale-eval.js")).default;
    const base = ["--matrix", join(dir, "m.jsonl"), "--labels", join(dir, "l.jsonl")];
    await expect(runCommand(command, { rawArgs: [...base, "--budgets", "1,x"] })).rejects.toThrow(
      /--budgets/,
    );
    await expect(runCommand(command, { rawArgs: [...base, "--rule", "maybe"] })).rejects.toThrow(/--rule/);
    await expect(runCommand(command, { rawArgs: ["--matrix", join(dir, "m.jsonl")] })).rejects.toThrow(
      /--labels/,
    );
  });
});

describe("difficulty predictors and calibration", () => {
  it("computes raw features from the chosen tests", () => {
    const m = PassMatrix.fromRows([
      [1, 1, 0],
      [1, 0, 0],
      [1, 1, 0],
      [0, 0, 0],
    ]);
    expect(difficultyFeature("pass-rate", m, [0, 1])).toBeCloseTo(5 / 8, 12);
    // coderm-vote keeps the two solutions passing both tests.
    expect(difficultyFeature("consensus", m, [0, 1])).toBeCloseTo(2 / 4, 12);
    expect(difficultyFeature("consensus", m, [2])).toBe(0);
    expect(difficultyFeature("pass-rate", m, [])).toBe(0.5);
  });

  it("fits isotonic regression by pooling adjacent violators", () => {
    const model = fitIsotonic([1, 2, 3, 4, 5], [0.1, 0.5, 0.3, 0.8, 0.8]);
    expect(model.x).toEqual([1, 2, 4, 5]);
    expect(model.y).toEqual([0.1, 0.4, 0.8, 0.8]);
    expect(predictIsotonic(model, 0)).toBe(0.1);
    expect(predictIsotonic(model, 2.5)).toBe(0.4);
    expect(predictIsotonic(model, 3.5)).toBe(0.4);
    expect(predictIsotonic(model, 9)).toBe(0.8);
    const cv = crossFitIsotonic([0.1, 0.2, 0.8, 0.9, 0.5, 0.6], [0, 0.1, 0.9, 1, 0.5, 0.6], 3, 0);
    expect(cv.predicted).toHaveLength(6);
    expect(cv.models).toHaveLength(3);
  });

  it("reports Brier, Spearman and reliability bins", () => {
    const c = calibration([0.05, 0.15, 0.95], [0, 0.2, 1], 10);
    expect(c.brier).toBeCloseTo((0.05 ** 2 + 0.05 ** 2 + 0.05 ** 2) / 3, 12);
    expect(c.spearman).toBeCloseTo(1, 12);
    expect(c.bins[0]).toMatchObject({ count: 1, meanPredicted: 0.05, meanMeasured: 0 });
    expect(c.bins[9]?.count).toBe(1);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
    expect(spearman([1, 1, 2], [1, 2, 3])).toBeCloseTo(Math.sqrt(3) / 2, 12);
  });
});
