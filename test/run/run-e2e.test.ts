/**
 * `coderm run` end to end against a real local chat-completions server: generation for real, the sandbox
 * for real, killed with SIGKILL in the middle of execution, rerun, and compared with an uninterrupted run.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ChatServer, startChatServer } from "../support/chat-server.js";
import { tinyModel, writeProblems } from "./fixtures.js";

const ROOT = resolve(import.meta.dirname, "../..");
const CLI = [join(ROOT, "node_modules/tsx/dist/cli.mjs"), join(ROOT, "src/cli/main.ts")];

function lines(file: string): string[] {
  return existsSync(file) ? readFileSync(file, "utf8").split("\n").filter(Boolean) : [];
}

function startRun(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawn(process.execPath, [...CLI, "run", ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true, // its own process group, so SIGKILL reaches the sandbox workers too
  });
}

function finish(child: ChildProcess): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d) => {
    stdout += d;
  });
  child.stderr?.on("data", (d) => {
    stderr += d;
  });
  return new Promise((res) => child.on("close", (code) => res({ code, stdout, stderr })));
}

/** What must be identical between runs: every pair verdict, the choices, the headline numbers. */
function outcome(dir: string) {
  const results = lines(join(dir, "results.jsonl"))
    .map((l) => JSON.parse(l) as { task_id: string; solution: number; test: number; verdict: string })
    .map((r) => `${r.task_id}|${r.solution}|${r.test}|${r.verdict}`)
    .sort();
  const selected = lines(join(dir, "selected.jsonl")).map((l) => {
    const s = JSON.parse(l) as { task_id: string; index: number; chosen: number[] };
    return [s.task_id, s.index, s.chosen];
  });
  const summary = JSON.parse(readFileSync(join(dir, "summary.json"), "utf8")) as {
    vanilla: number;
    strategies: { strategy: string; best: { mean: number } }[];
  };
  return {
    results,
    selected,
    vanilla: summary.vanilla,
    best: summary.strategies.map((s) => [s.strategy, s.best.mean]),
  };
}

describe("coderm run (end to end)", () => {
  let server: ChatServer;
  let work: string;
  let problems: string;
  const common = () => [
    "--benchmark",
    problems,
    "--policy",
    "tiny-policy",
    "--tester",
    "tiny-tester",
    "--base-url",
    server.baseURL,
    "-n",
    "6",
    "-m",
    "8",
    "--workers",
    "1",
    "--samples",
    "20",
    "--json",
  ];

  beforeAll(async () => {
    server = await startChatServer({ respond: (r, choice) => tinyModel(r, choice) });
    work = mkdtempSync(join(tmpdir(), "coderm-run-e2e-"));
    problems = join(work, "problems.jsonl");
    writeProblems(problems);
  });
  afterAll(async () => {
    await server.close();
    rmSync(work, { recursive: true, force: true });
  });

  it("resumes after SIGKILL mid-execution with exactly the results of an uninterrupted run", async () => {
    const whole = join(work, "whole");
    const first = await finish(startRun([...common(), "--out", whole]));
    expect(first.stderr).not.toMatch(/Error:/);
    expect(first.code).toBe(0);
    const asked = server.stats.samplesAsked;
    expect(asked).toBe(3 * 6 + 3 * 8);

    const killed = join(work, "killed");
    const child = startRun([...common(), "--out", killed]);
    const done = finish(child);
    // Kill once some, but not all, pair results are on disk.
    const total = lines(join(whole, "results.jsonl")).length;
    const deadline = Date.now() + 120_000;
    while (lines(join(killed, "results.jsonl")).length < 8) {
      if (Date.now() > deadline) throw new Error("the run never reached the execute stage");
      await new Promise((r) => setTimeout(r, 50));
    }
    process.kill(-child.pid!, "SIGKILL");
    await done;
    const partial = lines(join(killed, "results.jsonl")).length;
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(total);

    server.reset();
    const resumed = await finish(startRun([...common(), "--out", killed]));
    expect(resumed.code).toBe(0);
    // Generation was finished before the kill: the rerun asks the server for nothing.
    expect(server.stats.samplesAsked).toBe(0);
    const events = resumed.stdout
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { event: string; stage?: string; skipped?: boolean });
    expect(events.filter((e) => e.event === "stage" && e.skipped).map((e) => e.stage)).toEqual(
      expect.arrayContaining(["problems", "solutions", "tests"]),
    );
    expect(outcome(killed)).toEqual(outcome(whole));

    // The known answer: a third of the solutions are wrong, and the vote picks a right one everywhere.
    const o = outcome(whole);
    expect(o.vanilla).toBeCloseTo(4 / 6, 6);
    expect(Object.fromEntries(o.best)["coderm-vote"]).toBe(1);
  }, 300_000);
});
