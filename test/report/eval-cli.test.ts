/**
 * `coderm eval` as a real process on files written here, and its HTML opened in real Chromium.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseSummary, renderJson } from "../../src/report/index.js";
import { openFile, withChromium } from "../support/chromium.js";
import { fixtureSummary } from "./fixture.js";

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, "..", "..");

/** Rows per task ("." = no result) and ground truth. Hand-computed: vanilla 50.00, CodeRM vote 75.00. */
const DATA: Record<string, { rows: string[]; correct: boolean[] }> = {
  "T/0": { rows: ["111", "110", "111", "000"], correct: [true, false, true, false] },
  "T/1": { rows: ["010", "101", "101", "111"], correct: [false, true, true, true] },
  "T/2": { rows: ["000", "000", "000", "00."], correct: [true, false, false, false] },
};

let dir: string;
const jsonl = (name: string, records: unknown[], extra = "") => {
  const file = join(dir, name);
  writeFileSync(file, `${records.map((r) => JSON.stringify(r)).join("\n")}\n${extra}`);
  return file;
};

async function coderm(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, ["--import", "tsx", join(ROOT, "src/cli/main.ts"), ...args], {
      cwd: ROOT,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: err.code ?? -1, stdout: err.stdout ?? "", stderr: err.stderr ?? "" };
  }
}

let files: Record<string, string>;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "coderm-eval-"));
  const tasks = Object.keys(DATA);
  const results: unknown[] = [];
  for (const t of tasks) {
    DATA[t]!.rows.forEach((row, i) => {
      [...row].forEach((c, j) => {
        if (c !== ".")
          results.push({
            task_id: t,
            solution: i,
            test: j,
            verdict: c === "1" ? "pass" : "fail",
            passed: c === "1",
          });
      });
    });
  }
  files = {
    problems: jsonl(
      "problems.jsonl",
      tasks.map((t) => ({
        task_id: t,
        benchmark: "custom",
        prompt: `def f():\n    """${t}"""`,
        entry_point: "f",
      })),
    ),
    solutions: jsonl(
      "solutions.jsonl",
      tasks.flatMap((t) =>
        [0, 1, 2, 3].map((i) => ({ task_id: t, index: i, solution: `def f(): return ${i}` })),
      ),
    ),
    tests: jsonl(
      "tests.jsonl",
      tasks.flatMap((t) => [0, 1, 2].map((i) => ({ task_id: t, index: i, test: `class T${i}: pass` }))),
    ),
    results: jsonl("results.jsonl", results, "{not json\n"),
    labels: jsonl(
      "labels.jsonl",
      tasks.flatMap((t) =>
        DATA[t]!.correct.map((c, i) => ({
          task_id: t,
          index: i,
          base_status: c ? "pass" : "fail",
          correct: c,
        })),
      ),
    ),
    otherLabels: jsonl("other-labels.jsonl", [
      { task_id: "X/9", index: 0, base_status: "pass", correct: true },
    ]),
  };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const base = () => [
  "eval",
  "--problems",
  files.problems!,
  "--solutions",
  files.solutions!,
  "--tests",
  files.tests!,
  "--results",
  files.results!,
];

describe("coderm eval", () => {
  it("prints the paper table, writes all three reports, and the HTML renders in Chromium", async () => {
    const out = join(dir, "out");
    const r = await coderm([
      ...base(),
      "--labels",
      files.labels!,
      "--samples",
      "20",
      "--out",
      out,
      "--policy",
      "toy",
    ]);
    expect(r.stderr).toContain("results.jsonl:");
    expect(r.code).toBe(0);
    const rows = r.stdout.split("\n").filter((l) => l.startsWith("| "));
    expect(rows).toContain("| Vanilla | 50.00 |");
    expect(rows).toContain("| CodeRM vote | 75.00 |");
    expect(rows).toContain("| CodeT | 75.00 |");
    expect(r.stdout).not.toContain("Per problem");

    const s = parseSummary(readFileSync(join(out, "summary.json"), "utf8"));
    expect(s.title).toBe("custom / toy");
    expect(s.counts).toMatchObject({
      problems: 3,
      labelled_problems: 3,
      solutions: 12,
      tests: 9,
      missing_results: 1,
    });
    expect(
      s.notes.some((n) => /1 input lines were skipped \(first: .*results\.jsonl:36: invalid JSON/.test(n)),
    ).toBe(true);
    expect(s.featured[0]!.task_id).toBe("T/0");
    expect(s.problems[2]!.chosen["coderm-vote"]).toEqual([0, 1, 2, 3]);
    expect(readFileSync(join(out, "report.md"), "utf8")).toContain("## Per problem");

    await withChromium(async (browser) => {
      const p = await openFile(browser, join(out, "report.html"));
      try {
        expect(await p.page.title()).toBe("coderm evaluation: custom / toy");
        expect(await p.page.locator("svg.heatmap rect.cell").count()).toBe(4 * 3);
        expect(await p.page.locator("#chart-tests g.series path.line").count()).toBe(4);
        expect(await p.page.locator("table.problems tbody tr").count()).toBe(3);
        expect(p.errors).toEqual([]);
        expect(p.externalRequests).toEqual([]);
      } finally {
        await p.close();
      }
    });
  });

  it("shows finished summaries side by side with --from", async () => {
    const a = fixtureSummary();
    const b = { ...fixtureSummary(), title: "MBPP+ / Llama3-8B", vanilla: 0.492 };
    const fa = join(dir, "a.json");
    const fb = join(dir, "b.json");
    writeFileSync(fa, renderJson(a));
    writeFileSync(fb, renderJson(b));
    const r = await coderm(["eval", "--from", `${fa},${fb}`]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("| Vanilla | 53.58 | 49.20 |");
    expect(r.stdout).toContain(
      "| Method | HumanEval+ / Llama3-8B (n=7, m=5) | MBPP+ / Llama3-8B (n=7, m=5) |",
    );
  });

  it("without labels skips label metrics, says so, and still succeeds", async () => {
    const r = await coderm([...base(), "--format", "json", "--samples", "3"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/no --labels: .*skipped/);
    const s = parseSummary(r.stdout);
    expect(s.vanilla).toBeNull();
    expect(s.strategies).toEqual([]);
    expect(s.problems[0]!.chosen["coderm-vote"]).toEqual([0, 2]);
  });

  it("fails with one line when labels cover no problem or a strategy is unknown", async () => {
    const [a, b, c] = await Promise.all([
      coderm([...base(), "--labels", files.otherLabels!]),
      coderm([...base(), "--strategy", "coderm-vote,best"]),
      coderm(["eval", "--labels", files.labels!]),
    ]);
    expect(a.code).toBe(1);
    expect(a.stderr.trim()).toMatch(/^coderm: .*other-labels\.jsonl: labels cover none of the 3 problems$/m);
    expect(b.code).toBe(1);
    expect(b.stderr).toContain('coderm: --strategy: unknown strategy "best"');
    expect(c.code).toBe(1);
    expect(c.stderr).toContain("give --results");
  });
});
