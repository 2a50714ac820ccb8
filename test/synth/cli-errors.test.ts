/** Bad input to `coderm synth`: one line naming the file:line and field, or the flag; exit 1. */
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const CLI = [join(ROOT, "node_modules/tsx/dist/cli.mjs"), join(ROOT, "src/cli/main.ts")];
const synth = (...args: string[]) =>
  spawnSync(process.execPath, [...CLI, "synth", ...args, "--quiet"], { cwd: ROOT, encoding: "utf8" });

describe("coderm synth errors", () => {
  it("names the row and field when no question is usable, and the flag when a value is out of range", () => {
    const out = join(mkdtempSync(join(tmpdir(), "synth-err-")), "out");
    const rows = synth(
      "--questions",
      "test/synth/fixtures/codefeedback.jsonl",
      "--format",
      "taco",
      "--out",
      out,
    );
    expect(rows.status).toBe(1);
    expect(rows.stderr.trim()).toBe(
      "coderm: test/synth/fixtures/codefeedback.jsonl: no usable questions (first: test/synth/fixtures/codefeedback.jsonl:1: solutions: expected a JSON list)",
    );
    const flag = synth("--questions", "humaneval", "--out", out, "--max-far", "2");
    expect(flag.status).toBe(1);
    expect(flag.stderr.trim()).toBe("coderm: --max-far: Too big: expected number to be <=1");
  });
});
