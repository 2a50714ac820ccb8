/**
 * `coderm synth` against the local chat-completions server (real HTTP, faults on): the server answers the
 * CodeRM unit-test prompts with CodeT's CodeGen-16B test samples (as unittest classes) and the solution
 * prompts with CodeT's solutions. A rerun gives byte-identical output and asks the server for nothing; a
 * fresh directory sharing the response store regenerates the same tests and solutions, again without asking.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCodetData } from "../../src/extract/codet-data.js";
import { fenced } from "../../src/llm/index.js";
import { evalPlusSolutionPrompt } from "../../src/prompts/index.js";
import { synthPrompt } from "../../src/synth/export.js";
import { readQuestions } from "../../src/synth/questions.js";
import { codetTeacher, questionsFile } from "../../src/synth/sources.js";
import { type ChatServer, type Fault, startChatServer } from "../support/chat-server.js";

const ROOT = resolve(import.meta.dirname, "../..");
const CLI = [join(ROOT, "node_modules/tsx/dist/cli.mjs"), join(ROOT, "src/cli/main.ts")];
const LIMIT = 10;

let server: ChatServer;

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [...CLI, "synth", ...args], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => {
    stdout += d;
  });
  child.stderr.on("data", (d) => {
    stderr += d;
  });
  return new Promise((res) => child.on("close", (code) => res({ code, stdout, stderr })));
}

/** Every output file's bytes, by path relative to `dir` (the SQLite store aside). */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (!name.startsWith("store.sqlite")) out.set(relative(dir, p), readFileSync(p, "utf8"));
    }
  };
  walk(dir);
  return out;
}

beforeAll(async () => {
  const questions = (await readQuestions(questionsFile("humaneval"))).questions.slice(0, LIMIT);
  const teacher = await codetTeacher("vendor/codet");
  const solutions = (await loadCodetData("vendor/codet")).solutions;
  const byPrompt = new Map<string, string[]>();
  for (const q of questions) {
    byPrompt.set(synthPrompt(q), teacher.data.byTask.get(q.task_id) ?? []);
    const sols = solutions.filter((s) => s.task_id === q.task_id).sort((a, b) => a.index - b.index);
    byPrompt.set(
      evalPlusSolutionPrompt(q.prompt),
      sols.map((s) => fenced(s.solution ?? "")),
    );
  }
  const faults: Record<number, Fault> = {
    2: { kind: "status", status: 503, headers: { "retry-after": "0" } },
    4: { kind: "reset" },
    7: { kind: "status", status: 429, headers: { "retry-after": "0" } },
    11: { kind: "malformed" },
  };
  server = await startChatServer({
    respond: (req, choice) => byPrompt.get(req.prompt)?.[choice] ?? "unknown prompt",
    fault: (_req, n) => faults[n],
  });
});

afterAll(() => server?.close());

describe("coderm synth from a chat server", () => {
  it("reruns identically and asks the server for nothing new", async () => {
    const dir = mkdtempSync(join(tmpdir(), "synth-server-"));
    const args = [
      "--questions",
      "humaneval",
      "--limit",
      String(LIMIT),
      "--base-url",
      server.baseURL,
      "--teacher",
      "teacher-model",
      "--weak",
      "weak-model",
      "--m",
      "100",
      "--n-weak",
      "10",
      "--mutants",
      "4",
      "--quiet",
    ];
    const first = await run([...args, "--out", dir]);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(Object.keys(server.stats.faults).length).toBeGreaterThan(0);
    // Every prompt was asked for (retries included) and answered.
    expect(new Set(server.stats.log.map((r) => r.prompt)).size).toBe(2 * LIMIT);
    const before = snapshot(dir);
    const tests = before
      .get("tests.jsonl")!
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(tests).toHaveLength(100 * LIMIT);
    expect(tests.filter((t) => t.rejected?.startsWith("generation failed"))).toEqual([]);
    expect(JSON.parse(before.get("summary.json")!).counts.kept).toBeGreaterThan(5);

    server.reset();
    const second = await run([...args, "--out", dir]);
    expect(second.code).toBe(0);
    expect(server.stats.requests).toBe(0);
    expect(snapshot(dir)).toEqual(before);
    expect(second.stdout).toBe(first.stdout);

    // A fresh directory on the same response store: the same tests and weak solutions, nothing asked.
    const fresh = mkdtempSync(join(tmpdir(), "synth-server-"));
    const third = await run([...args, "--out", fresh, "--store", join(dir, "store.sqlite")]);
    expect(third.code).toBe(0);
    expect(server.stats.requests).toBe(0);
    const again = snapshot(fresh);
    for (const f of ["tests.jsonl", "weak.jsonl", "questions.jsonl"])
      expect(again.get(f)).toBe(before.get(f));
  }, 240_000);
});
