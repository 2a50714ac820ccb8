/**
 * Transport errors no retry can fix end the run at once, naming the URL and the cause; transient ones of a
 * server that has answered before are still retried. Real loopback servers throughout.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { isCodermError } from "../../src/errors.js";
import { type GenerationEvent, type GenerationJob, generate, OpenAIProvider } from "../../src/llm/index.js";
import { type ChatServer, startChatServer } from "../support/chat-server.js";

const servers: ChatServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

const jobs = (count: number): GenerationJob[] =>
  Array.from({ length: count }, (_, i) => ({
    taskId: `t/${i}`,
    messages: [{ role: "user" as const, content: `problem ${i}` }],
  }));

const provider = (baseURL: string) => new OpenAIProvider({ baseURL, apiKeyEnv: "NO_SUCH_KEY", model: "m" });

/** A loopback port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function attempt(baseURL: string, count: number) {
  const events: GenerationEvent[] = [];
  const err = await generate(jobs(count), {
    provider: provider(baseURL),
    role: "policy",
    n: 2,
    concurrency: 2,
    maxRetries: 6,
    backoff: { baseDelayMs: 50, maxDelayMs: 200, maxRetryAfterMs: 1000 },
    onEvent: (e) => events.push(e),
  }).catch((e: unknown) => e);
  return { err, retries: events.filter((e) => e.type === "retry").length };
}

describe("transport errors", () => {
  it("a refused connection fails at once, naming the URL and 'connection refused'", async () => {
    const url = `http://127.0.0.1:${await closedPort()}/v1`;
    const { err, retries } = await attempt(url, 5);
    expect(isCodermError(err) && err.code).toBe("E_SERVER");
    expect(String((err as Error).message)).toContain(url);
    expect(String((err as Error).message)).toMatch(/connection refused/);
    expect(retries).toBe(0);
  });

  it("an HTML page where the API should be fails at once and is reported as HTML", async () => {
    const s = await startChatServer({ fault: () => ({ kind: "html" }) });
    servers.push(s);
    const { err, retries } = await attempt(s.baseURL, 5);
    expect(isCodermError(err) && err.code).toBe("E_SERVER");
    expect(String((err as Error).message)).toMatch(/HTML page/);
    expect(String((err as Error).message)).toContain(s.baseURL);
    expect(String((err as Error).message)).not.toMatch(/choices/);
    expect(retries).toBe(0);
    // Two requests may already be in flight when the first answer comes back; nothing after that.
    expect(s.stats.requests).toBeLessThanOrEqual(2);
  });

  it("keeps retrying 5xx and a cut-short JSON body", async () => {
    const s = await startChatServer({
      fault: (_r, k) =>
        k === 1 ? { kind: "status", status: 503 } : k === 2 ? { kind: "malformed" } : undefined,
    });
    servers.push(s);
    const events: GenerationEvent[] = [];
    const { results } = await generate(jobs(1), {
      provider: provider(s.baseURL),
      role: "policy",
      n: 1,
      backoff: { baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 100 },
      onEvent: (e) => events.push(e),
    });
    expect(results[0]?.samples[0]?.text).toBeTruthy();
    expect(events.filter((e) => e.type === "retry").map((e) => (e as { kind: string }).kind)).toEqual([
      "server",
      "malformed",
    ]);
  });

  it("a server that has answered and then restarts is retried, not given up on", async () => {
    let s = await startChatServer({ latencyMs: 5 });
    const port = s.port;
    const events: GenerationEvent[] = [];
    let restarted: Promise<void> | undefined;
    const run = generate(jobs(3), {
      provider: provider(s.baseURL),
      role: "policy",
      n: 1,
      concurrency: 1,
      maxRetries: 8,
      backoff: { baseDelayMs: 100, maxDelayMs: 400, maxRetryAfterMs: 1000 },
      onEvent: (e) => {
        events.push(e);
        // After the first answer the server goes away, and comes back on the same port a little later.
        if (e.type === "sample" && !restarted) {
          restarted = (async () => {
            await s.close();
            await new Promise((r) => setTimeout(r, 300));
            s = await startChatServer({ port });
            servers.push(s);
          })();
        }
      },
    });
    const { results } = await run;
    await restarted;
    expect(results.flatMap((r) => r.samples.map((x) => x.text !== null))).toEqual([true, true, true]);
    const kinds = events.filter((e) => e.type === "retry").map((e) => (e as { kind: string }).kind);
    expect(kinds.length).toBeGreaterThan(0);
    expect(new Set(kinds)).toEqual(new Set(["connection"]));
  });
});
