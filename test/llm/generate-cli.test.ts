import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ChatServer, startChatServer } from "../support/chat-server.js";

const root = new URL("../../", import.meta.url).pathname;
let dir: string;
let server: ChatServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "coderm-gen-cli-"));
  server = await startChatServer({ latencyMs: 150 });
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The CLI as a user runs it, in its own process group so SIGKILL reaches tsx's node child too. */
function cli(args: string[]): {
  child: ChildProcess;
  done: Promise<{ code: number | null; stderr: string }>;
} {
  const child = spawn("npx", ["tsx", "src/cli/main.ts", ...args], {
    cwd: root,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, OPENAI_BASE_URL: server.baseURL, OPENAI_API_KEY: "secret-test-key" },
  });
  let stderr = "";
  child.stderr!.on("data", (d) => {
    stderr += String(d);
  });
  child.stdout!.resume();
  const done = new Promise<{ code: number | null; stderr: string }>((resolve) =>
    child.on("exit", (code) => resolve({ code, stderr })),
  );
  return { child, done };
}

function cachedSamples(store: string): number {
  const db = new Database(store, { readonly: true });
  try {
    return (db.prepare("SELECT count(*) AS c FROM llm_responses").get() as { c: number }).c;
  } finally {
    db.close();
  }
}

describe("coderm generate (child process)", () => {
  it("resumes a SIGKILLed run, asking the server only for the missing samples", async () => {
    const prompts = join(dir, "prompts.jsonl");
    const tasks = 8;
    const n = 4;
    writeFileSync(
      prompts,
      Array.from({ length: tasks }, (_, i) =>
        JSON.stringify({ task_id: `T/${i}`, messages: [{ role: "user", content: `Solve problem ${i}` }] }),
      ).join("\n"),
    );
    const store = join(dir, "store.sqlite");
    const out = join(dir, "solutions.jsonl");
    const args = ["generate", "--role", "policy", "--prompts", prompts, "--n", String(n), "--out", out];
    const common = ["--model", "test-model", "--store", store, "-j", "2", "--max-n", "2"];

    const first = cli([...args, ...common]);
    // Kill once some, but not all, samples have been served.
    while (server.stats.samplesServed < 10) await new Promise((r) => setTimeout(r, 20));
    process.kill(-first.child.pid!, "SIGKILL");
    const killed = await first.done;
    expect(killed.code).toBe(null);
    const kept = cachedSamples(store);
    expect(kept).toBeGreaterThanOrEqual(6);
    expect(kept).toBeLessThan(tasks * n);

    // Requests the killed client left behind must drain first, or they skew the in-flight counter.
    while (server.stats.inFlight > 0) await new Promise((r) => setTimeout(r, 20));
    server.reset();
    const second = cli([...args, ...common]);
    const resumed = await second.done;
    expect(resumed.stderr).not.toContain("secret-test-key");
    expect(resumed.code, resumed.stderr).toBe(0);
    // Only the missing samples were asked for, and each exactly once.
    expect(server.stats.samplesAsked).toBe(tasks * n - kept);
    // -j 2 is never exceeded; with one request left (max-n 2) only one can be in flight.
    expect(server.stats.maxInFlight).toBeGreaterThanOrEqual(1);
    expect(server.stats.maxInFlight).toBeLessThanOrEqual(Math.min(2, server.stats.requests));
    expect(resumed.stderr).toContain(`${kept} cached`);

    const lines = readFileSync(out, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.task_id)).toEqual(Array.from({ length: tasks }, (_, i) => `T/${i}`));
    const all = lines.flatMap((l) => l.solutions as string[]);
    expect(all).toHaveLength(tasks * n);
    expect(new Set(all).size).toBe(tasks * n);
    expect(cachedSamples(store)).toBe(tasks * n);
    // The key's variable name may be recorded, the key never.
    expect(readFileSync(store).includes("secret-test-key")).toBe(false);
  }, 240_000);
});
