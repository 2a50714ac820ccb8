/**
 * Ctrl-C on a real `coderm generate` child against a slow real chat server: the first SIGINT stops queued and
 * in-flight requests at once, keeps the finished samples in the store and exits 130; a second SIGINT exits
 * 130 at once. The process group gets the signal, as a terminal's Ctrl-C does.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ChatServer, startChatServer } from "../support/chat-server.js";

const root = new URL("../../", import.meta.url).pathname;
let dir: string;
let server: ChatServer;
// Long enough that an in-flight request still has most of its wait left when the signal arrives.
const LATENCY_MS = 1500;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "coderm-gen-int-"));
  server = await startChatServer({ latencyMs: LATENCY_MS });
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

function cli(args: string[]): {
  child: ChildProcess;
  done: Promise<{ code: number | null; stderr: string }>;
} {
  // One node process, as the installed binary is: tsx's CLI wrapper relays signals on its own terms.
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], {
    cwd: root,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, OPENAI_BASE_URL: server.baseURL, OPENAI_API_KEY: "k" },
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

const cached = (store: string): number => {
  const db = new Database(store, { readonly: true });
  try {
    return (db.prepare("SELECT count(*) AS c FROM llm_responses").get() as { c: number }).c;
  } finally {
    db.close();
  }
};

const waitFor = async (ok: () => boolean) => {
  while (!ok()) await new Promise((r) => setTimeout(r, 10));
};

function setup(name: string) {
  const prompts = join(dir, `${name}-prompts.jsonl`);
  writeFileSync(
    prompts,
    Array.from({ length: 40 }, (_, i) =>
      JSON.stringify({ task_id: `T/${i}`, messages: [{ role: "user", content: `${name} problem ${i}` }] }),
    ).join("\n"),
  );
  const store = join(dir, `${name}.sqlite`);
  const out = join(dir, `${name}.jsonl`);
  const args = ["generate", "--role", "policy", "--prompts", prompts, "--n", "2", "--max-n", "1", "-j", "2"];
  return { store, out, args: [...args, "--out", out, "--model", "m", "--store", store] };
}

describe("Ctrl-C during coderm generate", () => {
  it("the first SIGINT aborts queued and in-flight requests, keeps finished samples, exits 130", async () => {
    server.reset();
    const { store, out, args } = setup("one");
    writeFileSync(out, '{"task_id": "good", "solutions": ["keep me"]}\n');
    const run = cli(args);
    // Signal just after an answer, so the other request (and the one replacing it) is in flight.
    await waitFor(() => server.stats.samplesServed >= 3);
    const servedAtSignal = server.stats.samplesServed;
    const requestsAtSignal = server.stats.requests;
    const t0 = Date.now();
    process.kill(-run.child.pid!, "SIGINT");
    const { code, stderr } = await run.done;
    const exitMs = Date.now() - t0;
    await waitFor(() => server.stats.inFlight === 0);
    // The server notices a hang-up only when its answer is due.
    await new Promise((r) => setTimeout(r, LATENCY_MS + 300));

    expect(code, stderr).toBe(130);
    expect(stderr).toMatch(/interrupted/);
    // At most the requests racing the signal; the old code went on through the whole queue.
    expect(server.stats.requests - requestsAtSignal).toBeLessThanOrEqual(2);
    // In-flight requests were hung up on, not waited for.
    expect(server.stats.abandoned).toBeGreaterThanOrEqual(1);
    expect(server.stats.samplesServed - servedAtSignal).toBeLessThanOrEqual(1);
    // Loose on purpose (a loaded machine): the old code took the queue's length × latency, here ≥ 20 s.
    expect(exitMs).toBeLessThan(LATENCY_MS * 3);
    // Everything answered before the signal is kept (an answer racing the signal may be dropped).
    expect(cached(store)).toBeGreaterThanOrEqual(servedAtSignal);
    expect(cached(store)).toBeLessThanOrEqual(server.stats.samplesServed);
    // The good --out from before is not replaced by a partial one.
    expect(readFileSync(out, "utf8")).toContain("keep me");

    // The rerun asks only for what is missing.
    server.reset();
    const before = cached(store);
    const again = cli([...args, "-j", "40"]);
    const { code: code2 } = await again.done;
    expect(code2).toBe(0);
    expect(server.stats.samplesAsked).toBe(80 - before);
    expect(readFileSync(out, "utf8").trim().split("\n")).toHaveLength(40);
  }, 120_000);

  it("a second SIGINT exits 130 at once", async () => {
    server.reset();
    const { args, out } = setup("two");
    const run = cli(args);
    await waitFor(() => server.stats.requests >= 2);
    process.kill(-run.child.pid!, "SIGINT");
    await new Promise((r) => setTimeout(r, 50));
    process.kill(-run.child.pid!, "SIGINT");
    const { code, stderr } = await run.done;
    expect(code, stderr).toBe(130);
    expect(existsSync(out)).toBe(false);
  }, 60_000);

  it("coderm run: the first SIGINT during sampling stops every request and exits 130", async () => {
    server.reset();
    const out = join(dir, "run-dir");
    const run = cli(
      ["run", "--benchmark", "humaneval+", "--limit", "30", "--n", "2", "--m", "2"].concat([
        "--policy",
        "p",
        "--tester",
        "t",
        "--base-url",
        server.baseURL,
        "--out",
        out,
        "--quiet",
      ]),
    );
    // The first 8 requests (run's default concurrency) answer together and are replaced at once: signal once
    // the second 8 are in flight, with 14 of the 30 policy requests still queued.
    await waitFor(() => server.stats.requests >= 16 && server.stats.inFlight === 8);
    const requestsAtSignal = server.stats.requests;
    process.kill(-run.child.pid!, "SIGINT");
    const { code, stderr } = await run.done;
    await waitFor(() => server.stats.inFlight === 0);
    await new Promise((r) => setTimeout(r, LATENCY_MS + 300));
    expect(code, stderr).toBe(130);
    // Requests racing the signal at most: none of the queued ones, and no tester requests.
    expect(server.stats.requests - requestsAtSignal).toBeLessThanOrEqual(2);
    expect(server.stats.abandoned).toBeGreaterThanOrEqual(1);
  }, 60_000);
});
