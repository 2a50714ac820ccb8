/**
 * Bad inputs to `coderm run` give one clear `coderm: …` line and a non-zero exit, and never destroy what
 * an earlier run computed.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeProblems } from "./fixtures.js";

const ROOT = resolve(import.meta.dirname, "../..");
const CLI = [join(ROOT, "node_modules/tsx/dist/cli.mjs"), join(ROOT, "src/cli/main.ts")];

function coderm(args: string[], cwd = ROOT) {
  const r = spawnSync(process.execPath, [...CLI, ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, OPENAI_BASE_URL: "" },
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr.trim() };
}

function oneLineError(stderr: string): string {
  const errs = stderr.split("\n").filter((l) => l.startsWith("coderm: ") && !l.includes("problems"));
  expect(stderr).not.toMatch(/\n\s+at /); // no stack trace for user errors
  return errs.at(-1) ?? "";
}

describe("coderm run: bad inputs", () => {
  let work: string;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), "coderm-run-errors-"));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("names a missing problem file", () => {
    const r = coderm(["run", "--benchmark", join(work, "nope.jsonl"), "--out", join(work, "a"), "--quiet"]);
    expect(r.code).toBe(1);
    expect(oneLineError(r.stderr)).toMatch(
      /nope\.jsonl: not a benchmark .* nor an existing Problem JSONL file/,
    );
  });

  it("names the field of a malformed config file", () => {
    const cfg = join(work, "bad.config.json");
    writeFileSync(cfg, JSON.stringify({ benchmark: "humaneval", out: join(work, "b"), n: -3 }));
    const r = coderm(["run", "--config", cfg, "--quiet"]);
    expect(r.code).toBe(1);
    expect(oneLineError(r.stderr)).toMatch(/bad\.config\.json: n: .*/);
    writeFileSync(cfg, "{ not json");
    const r2 = coderm(["run", "--config", cfg, "--quiet"]);
    expect(r2.code).toBe(1);
    expect(oneLineError(r2.stderr)).toMatch(/bad\.config\.json: invalid JSON/);
  });

  it("reports an unreachable server and keeps earlier results", () => {
    const problems = join(work, "tiny.jsonl");
    writeProblems(problems);
    const out = join(work, "c");
    // An earlier run's output must survive a failing rerun.
    const first = coderm([
      "run",
      "--benchmark",
      problems,
      "--out",
      out,
      "--base-url",
      "http://127.0.0.1:9/v1",
      "--policy",
      "p",
      "--tester",
      "t",
      "-n",
      "2",
      "-m",
      "2",
      "--retries",
      "1",
      "--quiet",
    ]);
    expect(first.code).toBe(1);
    expect(oneLineError(first.stderr)).toMatch(/127\.0\.0\.1:9|connect|server/i);
    const problemsOut = readFileSync(join(out, "problems.jsonl"), "utf8");
    expect(problemsOut.split("\n").filter(Boolean)).toHaveLength(3);
  });

  it("runs a benchmark without ground truth but says labels were skipped", () => {
    const problems = join(work, "nogt.jsonl");
    writeFileSync(
      problems,
      `${JSON.stringify({ task_id: "X/0", prompt: "def f(x):\n", entry_point: "f" })}\n`,
    );
    const sols = join(work, "sols.jsonl");
    writeFileSync(
      sols,
      `${JSON.stringify({ task_id: "X/0", index: 0, solution: "def f(x):\n    return x\n" })}\n`,
    );
    const tests = join(work, "tests.jsonl");
    const t =
      "import unittest\n\nclass T(unittest.TestCase):\n    def test_a(self):\n        self.assertEqual(f(1), 1)\n";
    writeFileSync(tests, `${JSON.stringify({ task_id: "X/0", index: 0, format: "unittest", test: t })}\n`);
    const out = join(work, "d");
    const r = coderm([
      "run",
      "--benchmark",
      problems,
      "--out",
      out,
      "--replay-solutions",
      sols,
      "--replay-tests",
      tests,
      "--workers",
      "1",
      "--quiet",
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/no ground truth/);
    const selected = JSON.parse(readFileSync(join(out, "selected.jsonl"), "utf8")) as {
      index: number;
      why: string;
    };
    expect(selected.index).toBe(0);
    expect(selected.why).toMatch(/passes 1\/1/);
    // A rerun that fails (now asking a dead server) leaves every earlier output as it was.
    const before = readFileSync(join(out, "selected.jsonl"), "utf8");
    const summary = readFileSync(join(out, "summary.json"), "utf8");
    const again = coderm([
      "run",
      "--benchmark",
      problems,
      "--out",
      out,
      "--base-url",
      "http://127.0.0.1:9/v1",
      "--policy",
      "p",
      "--tester",
      "t",
      "--retries",
      "0",
      "--quiet",
    ]);
    expect(again.code).toBe(1);
    // Port 9 is on fetch's blocked list: the run stops on the first request, naming the URL.
    expect(oneLineError(again.stderr)).toMatch(/127\.0\.0\.1:9\/v1: port blocked by fetch \(bad port\)/);
    expect(readFileSync(join(out, "selected.jsonl"), "utf8")).toBe(before);
    expect(readFileSync(join(out, "summary.json"), "utf8")).toBe(summary);
  });
});
