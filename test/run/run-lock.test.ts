/**
 * One process per run directory: a second `coderm run --out X` while the first holds X stops with one line
 * and writes nothing; a lock left by a SIGKILLed run is taken over and the rerun resumes with every pair once.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isCodermError } from "../../src/errors.js";
import { LOCK_FILE, lockRunDir } from "../../src/run/lock.js";
import { parseSynthConfig } from "../../src/synth/config.js";
import { synth } from "../../src/synth/pipeline.js";

const ROOT = resolve(import.meta.dirname, "../..");
const CLI = [join(ROOT, "node_modules/tsx/dist/cli.mjs"), join(ROOT, "src/cli/main.ts")];
const work = mkdtempSync(join(tmpdir(), "coderm-run-lock-"));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
  rmSync(work, { recursive: true, force: true });
});

const runArgs = (out: string) => ["run", "--codet", "vendor/codet", "--limit", "1", "--out", out, "--quiet"];

/** Every file's size and mtime: what a run that must not write anything could have changed. */
const snapshot = (dir: string) =>
  Object.fromEntries(
    readdirSync(dir).map((f) => {
      const s = statSync(join(dir, f));
      return [f, `${s.size}@${s.mtimeMs}`];
    }),
  );

/** The pid in a lock file, once the file is complete (the node process under tsx that took it). */
async function holderOf(file: string): Promise<number> {
  let holder = 0;
  await until(`${file} to be taken`, () => {
    try {
      holder = (JSON.parse(readFileSync(file, "utf8")) as { pid: number }).pid;
      return true;
    } catch {
      return false;
    }
  });
  return holder;
}

async function until(what: string, ok: () => boolean): Promise<void> {
  for (let i = 0; i < 1200; i++) {
    if (ok()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("run-directory lock", () => {
  it("a second `coderm run --out X` gets one line and exit 1; after a SIGKILL the rerun takes over", async () => {
    const out = join(work, "x");
    const first = spawn(process.execPath, [...CLI, ...runArgs(out)], { cwd: ROOT, stdio: "ignore" });
    children.push(first);
    const holder = await holderOf(join(out, LOCK_FILE));
    // Frozen while holding the lock: the second run meets it whatever the machine's speed.
    process.kill(holder, "SIGSTOP");
    const before = snapshot(out);

    const second = spawnSync(process.execPath, [...CLI, ...runArgs(out)], { cwd: ROOT, encoding: "utf8" });
    expect(second.status).toBe(1);
    expect(second.stderr.trim().split("\n")).toEqual([
      expect.stringMatching(
        new RegExp(`^coderm: ${out}: in use by coderm run \\(pid ${holder} on .*\\); wait for it`),
      ),
    ]);
    expect(snapshot(out)).toEqual(before); // the second run wrote nothing

    process.kill(holder, "SIGKILL");
    await new Promise((r) => first.once("exit", r));
    const third = spawnSync(process.execPath, [...CLI, ...runArgs(out)], { cwd: ROOT, encoding: "utf8" });
    expect(third.stderr).toBe("");
    expect(third.status).toBe(0);
    const ids = readFileSync(join(out, "results.jsonl"), "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => {
        const r = JSON.parse(l) as { task_id: string; solution: number; test: number };
        return `${r.task_id} ${r.solution} ${r.test}`;
      });
    expect(ids.length).toBeGreaterThan(0);
    expect(new Set(ids).size).toBe(ids.length); // every pair once
    expect(existsSync(join(out, LOCK_FILE))).toBe(false); // released on success
  }, 120_000);

  it("coderm exec locks its --out results file the same way", async () => {
    const pairs = join(work, "pairs.jsonl");
    const test = (body: string) =>
      `import unittest\nclass T(unittest.TestCase):\n    def test_a(self):\n        ${body}\n`;
    const solution = "def f():\n    return 1\n";
    writeFileSync(
      pairs,
      [
        { id: "ok", solution, test: test("self.assertEqual(f(), 1)") },
        { id: "spin", solution, test: test("while True: pass") },
      ]
        .map((p) => `${JSON.stringify(p)}\n`)
        .join(""),
    );
    const out = join(work, "exec.jsonl");
    const exec = (timeout: string) => [...CLI, "exec", "--pairs", pairs, "--out", out, "--timeout", timeout];
    // The spinning pair keeps the first exec busy for its 60 s limit, unless it is stopped.
    const first = spawn(process.execPath, exec("60"), { cwd: ROOT, stdio: "ignore" });
    children.push(first);
    const holder = await holderOf(`${out}.lock`);
    process.kill(holder, "SIGSTOP");
    const second = spawnSync(process.execPath, exec("1"), { cwd: ROOT, encoding: "utf8" });
    expect(second.stderr.trim().split("\n")).toEqual([
      expect.stringMatching(new RegExp(`^coderm: ${out}: in use by coderm exec \\(pid ${holder} on `)),
    ]);
    expect(second.status).toBe(1);
    process.kill(holder, "SIGKILL");
    await new Promise((r) => first.once("exit", r));
    const third = spawnSync(process.execPath, exec("1"), { cwd: ROOT, encoding: "utf8" });
    expect(third.status, third.stderr).toBe(0);
    const rows = readFileSync(out, "utf8").split("\n").filter(Boolean);
    expect(rows.map((l) => (JSON.parse(l) as { id: string; verdict: string }).verdict).sort()).toEqual([
      "pass",
      "timeout",
    ]);
    expect(existsSync(`${out}.lock`)).toBe(false);
  }, 120_000);

  it("coderm synth takes the same lock, before writing anything", async () => {
    const out = join(work, "synth");
    mkdirSync(out, { recursive: true });
    const lock = lockRunDir(out, "coderm run");
    try {
      const err = await synth(
        parseSynthConfig({ questions: "humaneval", limit: 1, out, teacher: { replay: "vendor/codet" } }),
      ).catch((e: unknown) => e);
      expect(isCodermError(err) && err.code).toBe("E_LOCKED");
      expect((err as Error).message).toMatch(/in use by coderm run \(pid \d+/);
      expect(readdirSync(out).filter((f) => f !== LOCK_FILE && f !== "eval" && f !== "export")).toEqual([]);
    } finally {
      lock.release();
    }
    expect(existsSync(join(out, LOCK_FILE))).toBe(false);
  });
});
