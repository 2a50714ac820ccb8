/**
 * Mismatches between input files that used to pass silently (exit 0 with a wrong or empty result) give one
 * `coderm: <file>: …` line naming the file and the task, and exit 1, before any work is done.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildPrompts } from "../../src/prompts/index.js";
import type { Problem } from "../../src/records.js";

const ROOT = resolve(import.meta.dirname, "../..");
const CLI = [join(ROOT, "node_modules/tsx/dist/cli.mjs"), join(ROOT, "src/cli/main.ts")];
const FNS = [
  ["add", "a, b", "return a + b"],
  ["is_even", "n", "return n % 2 == 0"],
  ["reverse", "s", "return s[::-1]"],
] as const;
const PROBLEMS: Problem[] = FNS.map(([name, sig, body], i) => ({
  task_id: `Tiny/${i}`,
  prompt: `def ${name}(${sig}):\n    """Compute ${name}."""\n`,
  entry_point: name,
  canonical_solution: `    ${body}\n`,
}));
const SOLUTIONS = PROBLEMS.flatMap((p, i) =>
  [0, 1].map((index) => ({
    task_id: p.task_id,
    index,
    solution: `def ${FNS[i]![0]}(${FNS[i]![1]}):\n    ${FNS[i]![2]}\n`,
  })),
);
const TEST =
  "import unittest\nclass T(unittest.TestCase):\n    def test_a(self):\n        self.assertTrue(True)\n";

let work: string;
const f = (name: string) => join(work, name);
const jsonl = (xs: unknown[]) => xs.map((x) => `${JSON.stringify(x)}\n`).join("");

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "coderm-cross-"));
  writeFileSync(f("problems.jsonl"), jsonl(PROBLEMS));
  writeFileSync(f("dup.jsonl"), jsonl([...PROBLEMS, PROBLEMS[1]]));
  writeFileSync(f("sols.jsonl"), jsonl(SOLUTIONS));
  writeFileSync(
    f("extra.jsonl"),
    jsonl([...SOLUTIONS, { task_id: "Other/9", index: 0, solution: "x = 1\n" }]),
  );
  writeFileSync(f("tests.jsonl"), jsonl(PROBLEMS.map((p) => ({ task_id: p.task_id, index: 0, test: TEST }))));
  writeFileSync(
    f("results.jsonl"),
    jsonl(SOLUTIONS.map((s) => ({ ...s, solution: s.index, test: 0, verdict: "pass", passed: true }))),
  );
  writeFileSync(
    f("matrix.jsonl"),
    jsonl(PROBLEMS.map((p) => ({ task_id: p.task_id, solutions: 2, tests: 1, passed: ["1", "1"] }))),
  );
  // A CodeRM result file with a solution for the first task only.
  writeFileSync(f("one.jsonl"), jsonl([{ task_id: "Tiny/0", solutions: [SOLUTIONS[0]!.solution] }]));
  writeFileSync(
    f("prompts.jsonl"),
    jsonl(
      PROBLEMS.map((p) => ({ task_id: p.task_id, messages: [{ role: "user", content: `Q ${p.task_id}` }] })),
    ),
  );
  writeFileSync(
    f("responses.jsonl"),
    jsonl(
      PROBLEMS.map((p) => ({
        messages: [{ role: "user", content: `other ${p.task_id}` }],
        responses: ["x"],
      })),
    ),
  );
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Run coderm in the work directory (so messages show the short file names given). */
function coderm(...args: string[]) {
  const r = spawnSync(process.execPath, [...CLI, ...args], {
    cwd: work,
    encoding: "utf8",
    env: { ...process.env, OPENAI_BASE_URL: "" },
    timeout: 60_000,
  });
  return { code: r.status, lines: r.stderr.trim().split("\n"), stdout: r.stdout };
}

const RANK = ["rank", "--tests", "tests.jsonl", "--results", "results.jsonl"];

describe("cross-file mismatches", () => {
  it("a task in the solutions that no problem has: rank and run name the file and the task", () => {
    const rank = coderm(...RANK, "--problems", "problems.jsonl", "--solutions", "extra.jsonl");
    expect(rank.lines).toEqual([
      'coderm: extra.jsonl: task "Other/9" is not among the problems of problems.jsonl',
    ]);
    expect(rank.code).toBe(1);
    expect(rank.stdout).toBe("");
    const run = coderm(
      "run",
      "--benchmark",
      "problems.jsonl",
      "--replay-solutions",
      "extra.jsonl",
      "--replay-tests",
      "tests.jsonl",
      "--out",
      "run",
      "--quiet",
    );
    expect(run.lines).toEqual([
      'coderm: extra.jsonl: task "Other/9" is not among the problems of problems.jsonl',
    ]);
    expect(run.code).toBe(1);
    expect(existsSync(f("run/results.jsonl"))).toBe(false);
  });

  it("a task_id given twice in the problems: rank and eval refuse it", () => {
    const want = ['coderm: dup.jsonl: task_id "Tiny/1" is given twice (problems 2 and 4)'];
    const rank = coderm(...RANK, "--problems", "dup.jsonl", "--solutions", "sols.jsonl");
    expect([rank.code, rank.lines]).toEqual([1, want]);
    const ev = coderm("eval", "--problems", "dup.jsonl", "--results", "results.jsonl");
    expect([ev.code, ev.lines]).toEqual([1, want]);
  });

  it("a results file of the wrong kind is one line, not a ranking or report from zero results", () => {
    const rank = coderm(
      "rank",
      "--solutions",
      "sols.jsonl",
      "--tests",
      "tests.jsonl",
      "--results",
      "matrix.jsonl",
    );
    expect(rank.lines).toEqual([
      expect.stringMatching(
        /^coderm: matrix\.jsonl: no line is a pair result: all 3 were rejected \(line 1: /,
      ),
    ]);
    expect(rank.code).toBe(1);
    expect(rank.stdout).toBe("");
    const ev = coderm(
      "eval",
      "--results",
      "matrix.jsonl",
      "--solutions",
      "sols.jsonl",
      "--tests",
      "tests.jsonl",
    );
    expect(ev.lines).toEqual([
      expect.stringMatching(/^coderm: matrix\.jsonl: no line is a pair result: .*read with --matrix\)$/),
    ]);
    expect(ev.code).toBe(1);
    const back = coderm("eval", "--matrix", "results.jsonl");
    expect(back.lines).toEqual([
      expect.stringMatching(
        /^coderm: results\.jsonl: no line is a pass-matrix line: .*read with --results\)$/,
      ),
    ]);
    expect(back.code).toBe(1);
  });

  it("generate --from-solutions without a task's solution names the file and the task", () => {
    const r = coderm(
      ...["generate", "--role", "tester", "--benchmark", "problems.jsonl", "--from-solutions", "one.jsonl"],
      ...["--model", "m", "--base-url", "http://127.0.0.1:9/v1", "--n", "1", "--out", "gen.jsonl"],
    );
    expect(r.lines).toEqual([
      'coderm: --from-solutions one.jsonl: no usable solution for task "Tiny/1" (and 1 more tasks) to embed in its tester prompt',
    ]);
    expect(r.code).toBe(1);
    expect(existsSync(f("gen.jsonl"))).toBe(false);
  });

  it("extract whose responses match no prompt writes nothing and exits 1", () => {
    const r = coderm(
      ...["extract", "--kind", "solution", "--responses", "responses.jsonl", "--prompts", "prompts.jsonl"],
      ...["--out", "samples.jsonl"],
    );
    expect(r.lines).toEqual([
      "coderm: responses.jsonl: no line is an answer to a prompt of the prompt file: all 3 were rejected (line 1: messages match no prompt in the prompt file)",
    ]);
    expect(r.code).toBe(1);
    expect(existsSync(f("samples.jsonl"))).toBe(false);
  });

  it("a tester prompt that falls back to the canonical solution is stated (run notes it)", () => {
    const told: string[][] = [];
    const prompts = buildPrompts(
      PROBLEMS,
      "tester",
      "humaneval",
      new Map([["Tiny/0", SOLUTIONS[0]!.solution]]),
      {
        onCanonical: (t) => told.push(t),
      },
    );
    expect(prompts).toHaveLength(3);
    expect(told).toEqual([["Tiny/1", "Tiny/2"]]);
    expect(prompts[1]!.messages.at(-1)!.content).toContain("return n % 2 == 0");
  });
});
