/**
 * The demo (`npm start`: `coderm run --codet vendor/codet`) on small slices, as real processes (issue 15
 * item 13):
 * - two identical runs give identical cells. HumanEval/1's solution #46 is in the slice on purpose: it zips
 *   two sets, so its verdicts (fail or KeyError) depend on str hashing; without PYTHONHASHSEED fixed in the
 *   sandbox two runs differed there. That alone is a 3! coin, so a run whose pairs depend on an 8-word set
 *   order must give seed 0's verdict every time;
 * - CodeRM vote's 0.00 comes with a note saying why, and every number in that note is checked against the
 *   run's own matrix.jsonl and labels.jsonl.
 *
 * The runs set `sandbox.assertTimeout: 1` (config file): CodeT's 0.1 s per assert is a wall-clock alarm, and
 * on a loaded machine a 7 ms pair can cross it (seen at load 8 on 2 cores). That is load, not determinism, and
 * not what this tests; 1 s keeps the slice's one endless solution (HumanEval/1 #61) cheap.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const CLI = [join(ROOT, "node_modules/tsx/dist/cli.mjs"), join(ROOT, "src/cli/main.ts")];
let work: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "coderm-demo-"));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Async, not spawnSync: a blocked test worker misses vitest's heartbeat. */
async function demo(name: string, extra: string[], source = ["--codet", join(ROOT, "vendor/codet")]) {
  const cwd = join(work, name);
  mkdirSync(cwd);
  writeFileSync(join(cwd, "coderm.config.json"), JSON.stringify({ sandbox: { assertTimeout: 1 } }));
  const dir = join(cwd, "run");
  const child = spawn(
    process.execPath,
    [...CLI, "run", ...source, "--out", dir, "--limit", "2", "--quiet", ...extra],
    { cwd, stdio: ["ignore", "pipe", "pipe"] },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => {
    stdout += String(d);
  });
  child.stderr.on("data", (d) => {
    stderr += String(d);
  });
  const code = await new Promise<number | null>((done) => child.on("exit", done));
  expect(code, stderr).toBe(0);
  return { dir, stdout };
}

const lines = <T>(file: string): T[] =>
  readFileSync(file, "utf8")
    .trimEnd()
    .split("\n")
    .map((l) => JSON.parse(l) as T);

interface Result {
  task_id: string;
  solution: number;
  test: number;
  verdict: string;
}

/** Every cell as `task|solution|test verdict`, sorted: results.jsonl is in completion order. */
function cells(dir: string): string[] {
  return lines<Result>(join(dir, "results.jsonl"))
    .map((r) => `${r.task_id}|${r.solution}|${r.test} ${r.verdict}`)
    .sort();
}

/** matrix.jsonl rows: `passed` is one hex string per solution, 4 tests per digit, first test in the top bit. */
function passRows(dir: string): Map<string, boolean[][]> {
  const out = new Map<string, boolean[][]>();
  for (const m of lines<{ task_id: string; tests: number; passed: string[] }>(join(dir, "matrix.jsonl"))) {
    out.set(
      m.task_id,
      m.passed.map((hex) =>
        [...hex]
          .flatMap((d) => [8, 4, 2, 1].map((b) => (Number.parseInt(d, 16) & b) !== 0))
          .slice(0, m.tests),
      ),
    );
  }
  return out;
}

describe("the demo, explained and reproducible", () => {
  it("gives identical cells in two identical runs, hash-dependent pairs included", async () => {
    const a = await demo("a", ["-m", "5", "--samples", "10"]);
    const b = await demo("b", ["-m", "5", "--samples", "10"]);
    const [ca, cb] = [cells(a.dir), cells(b.dir)];
    expect(ca.length).toBe(1000); // 100 solutions × 10 assert columns (both problems)
    const hashDependent = ca.filter((c) => c.startsWith("HumanEval/1|46|"));
    expect(hashDependent.length).toBeGreaterThan(5);
    expect(cb).toEqual(ca);
    expect(readFileSync(join(b.dir, "matrix.jsonl"), "utf8")).toBe(
      readFileSync(join(a.dir, "matrix.jsonl"), "utf8"),
    );
    expect(readFileSync(join(b.dir, "selected.jsonl"), "utf8")).toBe(
      readFileSync(join(a.dir, "selected.jsonl"), "utf8"),
    );
  }, 300_000);

  it("gives a set-order-dependent pair the PYTHONHASHSEED=0 verdict in every run", async () => {
    // 8 words: a random hash seed reproduces seed 0's set order with probability 1/8! (the demo's #46 has 3!).
    const words = ["apple", "banana", "cherry", "damson", "elder", "fig", "grape", "hazel"];
    const order = `def order():\n    return list({${words.map((w) => JSON.stringify(w)).join(", ")}})\n`;
    const seed0 = spawnSync(
      "/usr/bin/python3",
      ["-S", "-c", `import json\n${order}print(json.dumps(order()))`],
      {
        env: { PYTHONHASHSEED: "0" },
        encoding: "utf8",
      },
    ).stdout.trim();
    const he0 =
      "def has_close_elements(numbers, threshold):\n    return any(abs(a - b) < threshold for i, a in enumerate(numbers) for b in numbers[i + 1:])\n";
    const he1 = "def has_close_elements(numbers, threshold):\n    return False\n";
    const files = join(work, "replay");
    mkdirSync(files);
    writeFileSync(
      join(files, "solutions.jsonl"),
      [he0, he1]
        .map((c, index) => JSON.stringify({ task_id: "HumanEval/0", index, solution: c + order }))
        .join("\n"),
    );
    const test = (body: string) =>
      `import unittest\n\nclass TestOrder(unittest.TestCase):\n    def test_0(self):\n        ${body}\n`;
    writeFileSync(
      join(files, "tests.jsonl"),
      [`self.assertEqual(order(), ${seed0})`, `self.assertEqual(list(set(order())), ${seed0})`]
        .map((b, index) =>
          JSON.stringify({ task_id: "HumanEval/0", index, format: "unittest", test: test(b) }),
        )
        .join("\n"),
    );
    const source = [
      "--benchmark",
      "humaneval",
      "--replay-solutions",
      join(files, "solutions.jsonl"),
      "--replay-tests",
      join(files, "tests.jsonl"),
    ];
    for (const name of ["order-a", "order-b"]) {
      const { dir } = await demo(name, ["-n", "2", "-m", "2", "--samples", "5"], source);
      expect(cells(dir)).toEqual([
        "HumanEval/0|0|0 pass",
        "HumanEval/0|0|1 pass",
        "HumanEval/0|1|0 pass",
        "HumanEval/0|1|1 pass",
      ]);
    }
  }, 120_000);

  it("says why CodeRM vote scores 0.00, with numbers that match the run's files", async () => {
    const { dir, stdout } = await demo("note", ["-n", "20", "--samples", "10"]);
    expect(stdout).toMatch(/\| CodeRM vote .*\|\s+0\.00 \|/);
    const note = stdout
      .split("\n")
      .find((l) => l.startsWith("note: coderm-vote and argmax score below vanilla"));
    expect(note, stdout).toBeDefined();
    expect(note).toContain("each test is one CodeGen-16B assert, as in CodeT");
    const m =
      /(HumanEval\/\d+): (\d+)\/(\d+) solutions are correct, yet (\d+) of its (\d+) tests fail all of them; the best correct solution passes (\d+), the chosen #(\d+) \(incorrect\) (\d+)\./.exec(
        note!,
      );
    expect(m, note).not.toBeNull();
    const [, task, correct, pool, against, tests, bestCorrect, pick, pickPasses] = m!;

    // Recompute every figure from matrix.jsonl and labels.jsonl.
    const rows = passRows(dir).get(task!)!;
    const labels = lines<{ task_id: string; index: number; correct: boolean }>(
      join(dir, "labels.jsonl"),
    ).filter((l) => l.task_id === task && l.index < 20);
    const ok = labels.filter((l) => l.correct).map((l) => l.index);
    const passes = (i: number) => rows[i]!.filter(Boolean).length;
    expect(Number(pool)).toBe(20);
    expect(Number(correct)).toBe(ok.length);
    expect(Number(tests)).toBe(rows[0]!.length);
    expect(Number(against)).toBe(rows[0]!.filter((_, j) => ok.every((i) => !rows[i]![j])).length);
    expect(Number(bestCorrect)).toBe(Math.max(...ok.map(passes)));
    expect(ok).not.toContain(Number(pick));
    expect(Number(pickPasses)).toBe(passes(Number(pick)));
    // The claim itself: a wrong solution passes more of these asserts than any correct one.
    expect(Number(pickPasses)).toBeGreaterThan(Number(bestCorrect));
    const chosen = lines<{ task_id: string; strategy: string; index: number }>(
      join(dir, "selected.jsonl"),
    ).find((s) => s.task_id === task && s.strategy === "coderm-vote");
    expect(passes(chosen!.index)).toBe(Number(pickPasses));
  }, 300_000);
});
