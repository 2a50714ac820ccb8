import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const CLI = [join(ROOT, "node_modules/tsx/dist/cli.mjs"), join(ROOT, "src/cli/main.ts")];
const jsonl = (rows: unknown[]) => `${rows.map((r) => JSON.stringify(r)).join("\n")}\n`;

function coderm(args: string[]) {
  const r = spawnSync(process.execPath, [...CLI, ...args], { cwd: ROOT, encoding: "utf8", timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("coderm rank", () => {
  let work: string;
  let sols: string;
  let tests: string;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), "coderm-rank-"));
    sols = join(work, "sols.jsonl");
    tests = join(work, "tests.jsonl");
    writeFileSync(
      sols,
      jsonl([
        { task_id: "T/0", index: 0, solution: "def inc(x):\n    return x + 2\n" },
        { task_id: "T/0", index: 1, solution: "def inc(x):\n    return x + 1\n" },
        { task_id: "T/0", index: 2, solution: null, rejected: "no code block" },
      ]),
    );
    const cls = (v: string) =>
      `import unittest\n\nclass T(unittest.TestCase):\n    def test_a(self):\n        self.assertEqual(inc(${v}), ${Number(v) + 1})\n`;
    writeFileSync(
      tests,
      jsonl([
        { task_id: "T/0", index: 0, format: "unittest", test: cls("1") },
        { task_id: "T/0", index: 1, format: "unittest", test: cls("5") },
        {
          task_id: "T/0",
          index: 2,
          format: "assert",
          test: "assert inc(0) == 1",
          cases: ["assert inc(0) == 1"],
        },
      ]),
    );
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("ranks from given results (missing cells fail) and reports bad lines with file:line", () => {
    const results = join(work, "results.jsonl");
    writeFileSync(
      results,
      `${jsonl([
        { task_id: "T/0", solution: 0, test: 0, verdict: "fail", passed: false },
        { task_id: "T/0", solution: 1, test: 0, verdict: "pass", passed: true },
        { task_id: "T/0", solution: 1, test: 1, verdict: "pass", passed: true },
      ])}{"task_id": "T/0", "solution": "x"}\n`,
    );
    const r = coderm(["rank", "--solutions", sols, "--tests", tests, "--results", results]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout.trim()) as { index: number; chosen: number[]; why: string };
    expect(out.index).toBe(1);
    expect(out.chosen).toEqual([1]);
    expect(out.why).toMatch(/passes 2\/3 tests/);
    expect(r.stderr).toMatch(/results\.jsonl:4: solution: /);
    const strict = coderm(["rank", "--solutions", sols, "--tests", tests, "--results", results, "--strict"]);
    expect(strict.code).toBe(1);
    expect(strict.stderr.trim()).toMatch(/^coderm: .*results\.jsonl:4: solution: /);
  });

  it("runs the pairs in the sandbox when no results are given", () => {
    const saved = join(work, "ran.jsonl");
    const out = join(work, "selected.jsonl");
    const r = coderm([
      "rank",
      "--solutions",
      sols,
      "--tests",
      tests,
      "--save-results",
      saved,
      "--out",
      out,
      "--workers",
      "1",
      "--strategy",
      "argmax",
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/sandbox isolation: (STRONG|WEAK)/);
    const sel = JSON.parse(readFileSync(out, "utf8")) as { index: number; strategy: string };
    expect(sel).toMatchObject({ index: 1, strategy: "argmax" });
    const ran = readFileSync(saved, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { solution: number; test: number; verdict: string });
    expect(ran).toHaveLength(9);
    expect(ran.filter((x) => x.solution === 2).every((x) => x.verdict === "invalid")).toBe(true);
    expect(ran.filter((x) => x.solution === 1).every((x) => x.verdict === "pass")).toBe(true);
  });
});
