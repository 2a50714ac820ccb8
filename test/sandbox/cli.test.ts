import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCommand } from "citty";
import { afterEach, describe, expect, it, vi } from "vitest";
import doctor from "../../src/cli/commands/doctor.js";
import exec from "../../src/cli/commands/exec.js";
import { ADD, ut } from "./helpers.js";

// In-process (the SIGINT test in robustness.test.ts runs the real binary): spies capture what is printed.
afterEach(() => vi.restoreAllMocks());

describe("coderm exec / doctor", () => {
  it("executes a pairs file, reports bad lines by file:line, and writes details on request", async () => {
    const dir = mkdtempSync(join(tmpdir(), "coderm-cli-"));
    const pairs = join(dir, "pairs.jsonl");
    const out = join(dir, "out.jsonl");
    const lines = [
      JSON.stringify(ut("ok", ADD, "self.assertEqual(add(1, 2), 3)")),
      JSON.stringify({
        id: 7,
        solution: ADD,
        test: ["assert add(1, 1) == 2", "assert add(1, 1) == 3"],
        format: "assert",
      }),
      '{"id": "broken", "solution": 1}',
    ];
    writeFileSync(pairs, `${lines.join("\n")}\n`);
    const errors: string[] = [];
    vi.spyOn(console, "error").mockImplementation((...a: unknown[]) => void errors.push(a.join(" ")));
    vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    await runCommand(exec, { rawArgs: ["--pairs", pairs, "--out", out, "--details", "--workers", "1"] });
    expect(errors.join("\n")).toContain(`${pairs}:3:`);
    expect(errors.join("\n")).toMatch(/sandbox isolation: (STRONG|WEAK)/);
    const got = new Map(
      readFileSync(out, "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l))
        .map((r) => [r.id, r]),
    );
    expect(got.get("ok")).toMatchObject({
      verdict: "pass",
      passed: true,
      cases: [{ name: "test_it", verdict: "pass" }],
    });
    expect(got.get("7")).toMatchObject({ verdict: "fail", passed: false });
    expect(got.get("7").cases.map((c: { verdict: string }) => c.verdict)).toEqual(["pass", "fail"]);
    expect(got.has("broken")).toBe(false);
  });

  it("doctor prints every isolation layer and passes its self-test", async () => {
    const printed: string[] = [];
    vi.spyOn(console, "log").mockImplementation((...a: unknown[]) => void printed.push(a.join(" ")));
    await runCommand(doctor, { rawArgs: [] });
    const text = printed.join("\n");
    for (const layer of ["namespaces", "uid", "env", "seccomp", "rlimits", "io"])
      expect(text).toContain(`${layer}:`);
    expect(text).toContain("self-test: ok");
  });
});
