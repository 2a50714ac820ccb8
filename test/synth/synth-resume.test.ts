/**
 * `coderm synth` killed with SIGKILL while it runs mutants in the sandbox, then rerun: the pair results
 * already on disk are kept, only the rest run, and the outcome equals an uninterrupted run's.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const CLI = [join(ROOT, "node_modules/tsx/dist/cli.mjs"), join(ROOT, "src/cli/main.ts")];
const ARGS = [
  "--questions",
  "humaneval",
  "--limit",
  "10",
  "--teacher-replay",
  "vendor/codet",
  "--weak-replay",
  "vendor/codet",
];
const ARGS2 = ["--m", "100", "--n-weak", "10", "--mutants", "20", "--json"];

const lines = (file: string) =>
  existsSync(file) ? readFileSync(file, "utf8").split("\n").filter(Boolean) : [];

function start(dir: string) {
  const child = spawn(process.execPath, [...CLI, "synth", ...ARGS, ...ARGS2, "--out", dir], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true, // its own process group, so SIGKILL reaches the sandbox workers too
  });
  let stdout = "";
  child.stdout.on("data", (d) => {
    stdout += d;
  });
  const done = new Promise<{ code: number | null; stdout: string }>((res) =>
    child.on("close", (code) => res({ code, stdout })),
  );
  return { child, done, out: () => stdout };
}

/** What must not depend on the kill: which kept test kills which mutant, and every score. */
function outcome(dir: string) {
  return {
    mutants: lines(join(dir, "mutants.jsonl")).map((l) => {
      const m = JSON.parse(l);
      return [m.task_id, m.id, m.killed_by, m.equivalent];
    }),
    scores: lines(join(dir, "scores.jsonl")),
    export: readFileSync(join(dir, "export/coderm-unittest.jsonl"), "utf8"),
  };
}

describe("coderm synth resume", () => {
  it("a SIGKILL during the mutant runs loses only the pairs in flight", async () => {
    const dir = mkdtempSync(join(tmpdir(), "synth-kill-"));
    const run = start(dir);
    // Kill once the mutate stage has written some results (progress events arrive as JSON lines).
    await new Promise<void>((res, rej) => {
      const tick = setInterval(() => {
        if (lines(join(dir, "mutant-results.jsonl")).length >= 10) {
          clearInterval(tick);
          process.kill(-(run.child.pid as number), "SIGKILL");
          res();
        }
      }, 20);
      run.done.then(() => {
        clearInterval(tick);
        rej(new Error(`finished before it could be killed:\n${run.out()}`));
      });
    });
    await run.done;
    const before = lines(join(dir, "mutant-results.jsonl")).length;
    expect(before).toBeGreaterThanOrEqual(10);

    const again = await start(dir).done;
    expect(again.code).toBe(0);
    const events = again.stdout
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    const skipped = events.filter((e) => e.event === "stage" && e.skipped).map((e) => e.stage);
    expect(skipped).toEqual(
      expect.arrayContaining(["questions", "generate", "filter", "weak", "label", "execute"]),
    );
    const resumed = events.find(
      (e) => e.event === "note" && /^resuming: \d+ pair results kept/.test(e.message),
    );
    expect(resumed?.stage).toBe("mutate");
    // Every pair ran exactly once across the two runs.
    const ids = lines(join(dir, "mutant-results.jsonl")).map((l) => {
      const r = JSON.parse(l);
      return `${r.task_id}|${r.solution}|${r.test}`;
    });
    expect(new Set(ids).size).toBe(ids.length);

    const fresh = mkdtempSync(join(tmpdir(), "synth-nokill-"));
    expect((await start(fresh).done).code).toBe(0);
    expect(outcome(dir)).toEqual(outcome(fresh));
  }, 240_000);
});
