/**
 * The one flag layer, through the real binary: ranges in flag terms, unknown flags rejected with a "did you
 * mean", plain usage text off a terminal (issue 15 items 3, 7 and 9).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const CLI = [join(ROOT, "node_modules/tsx/dist/cli.mjs"), join(ROOT, "src/cli/main.ts")];
const work = mkdtempSync(join(tmpdir(), "coderm-flags-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function coderm(args: string[], env: Record<string, string> = {}, only = false) {
  const r = spawnSync(process.execPath, [...CLI, ...args], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 60_000,
    env: only ? env : { ...process.env, ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const sols = join(work, "sols.jsonl");
const tests = join(work, "tests.jsonl");
writeFileSync(
  sols,
  `${JSON.stringify({ task_id: "T/0", index: 0, solution: "def f():\n    return 1\n" })}\n`,
);
writeFileSync(
  tests,
  `${JSON.stringify({ task_id: "T/0", index: 0, format: "unittest", test: "import unittest\nclass T(unittest.TestCase):\n    def test_a(self):\n        self.assertEqual(f(), 1)\n" })}\n`,
);
const rank = ["rank", "--solutions", sols, "--tests", tests];

/** One line, exit 1, no stack: the user's mistake, not a bug. */
function expectOneLine(r: ReturnType<typeof coderm>, line: string) {
  expect(r.code).toBe(1);
  expect(r.stderr.trim()).toBe(`coderm: ${line}`);
}

describe("numeric flags are checked against their declared range", () => {
  it.each([["0"], ["-3"], ["abc"], ["1.5"]])("rank --workers %s", (v) => {
    expectOneLine(coderm([...rank, "--workers", v]), `--workers: must be an integer ≥ 1, got "${v}"`);
  });

  it("rank --timeout -1 and exec --timeout 1e9 are refused before any pair runs", () => {
    expectOneLine(coderm([...rank, "--timeout", "-1"]), '--timeout: must be in (0, 3600] s, got "-1"');
    const pairs = join(work, "pairs.jsonl");
    writeFileSync(
      pairs,
      `${JSON.stringify({ id: 1, solution: "x = 1", test: "assert x == 1", format: "assert" })}\n`,
    );
    const out = join(work, "exec-out.jsonl");
    const r = coderm(["exec", "--pairs", pairs, "--out", out, "--timeout", "1e9"]);
    expectOneLine(r, '--timeout: must be in (0, 3600] s, got "1e9"');
    expect(existsSync(out)).toBe(false);
  });

  it("run --workers 0 is refused before the run directory exists, in flag terms", () => {
    const dir = join(work, "run-dir");
    const r = coderm(["run", "--benchmark", "humaneval+", "--out", dir, "--workers", "0"]);
    expectOneLine(r, '--workers: must be an integer ≥ 1, got "0"');
    expect(r.stderr).not.toContain("sandbox.workers");
    expect(existsSync(dir)).toBe(false);
  });
});

describe("unknown flags", () => {
  it("a typo is refused with the flag it was meant to be", () => {
    expectOneLine(coderm([...rank, "--wokers", "2"]), "--wokers: unknown flag; did you mean --workers?");
    expectOneLine(
      coderm(["exec", "--pairs", "p", "--out", "o", "--timeuot=2"]),
      "--timeuot: unknown flag; did you mean --timeout?",
    );
  });

  it("a flag no command near it declares is refused, before missing required flags", () => {
    expectOneLine(coderm(["generate", "--frobnicate"]), "--frobnicate: unknown flag (see --help)");
  });

  it("declared spellings still work: --no-x for booleans, camelCase twins", () => {
    const r = coderm([
      ...rank,
      "--no-strict",
      "--requireIsolation",
      "--workers",
      "1",
      "--results",
      join(work, "none.jsonl"),
    ]);
    expect(r.stderr.trim()).toBe(`coderm: ${join(work, "none.jsonl")}: file not found`);
  });

  it("exec --strict (the README's promise) stops at the first bad line", () => {
    const pairs = join(work, "bad-pairs.jsonl");
    writeFileSync(pairs, `${JSON.stringify({ id: 1, solution: "x = 1" })}\n`);
    const r = coderm(["exec", "--pairs", pairs, "--out", join(work, "strict-out.jsonl"), "--strict"]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n")).toEqual([`coderm: ${pairs}:1: test: Invalid input`]);
  });
});

describe("plain output off a terminal", () => {
  // A bare environment: a test runner's NODE_ENV=test would make citty drop colour by itself.
  const bare = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" };

  it("usage text has no ANSI codes when piped, or with NO_COLOR", () => {
    for (const extra of [{}, { NO_COLOR: "1", FORCE_COLOR: "1" }] as Record<string, string>[]) {
      const r = coderm(["rank", "--help"], { ...bare, ...extra }, true);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain("USAGE coderm rank");
      expect(r.stdout).not.toContain("\u001b[");
    }
  });

  it("citty's own errors are plain too", () => {
    const r = coderm(["bogus"], bare, true);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe("coderm: Unknown command bogus (see coderm --help)");
  });

  it("exec into a log: one isolation line, no per-layer report, no \\r progress", () => {
    const pairs = join(work, "log-pairs.jsonl");
    writeFileSync(
      pairs,
      `${JSON.stringify({ id: 1, solution: "x = 1", test: "assert x == 1", format: "assert" })}\n`,
    );
    const r = coderm(["exec", "--pairs", pairs, "--out", join(work, "log-out.jsonl"), "--workers", "1"]);
    expect(r.code).toBe(0);
    expect(r.stderr.match(/sandbox isolation:/g)).toHaveLength(1);
    expect(r.stderr).not.toMatch(/^ {2}(ok|MISSING) /m);
    expect(r.stderr).not.toContain("\r");
    expect(r.stderr).toContain("exec: 1 pass");
  });
});
