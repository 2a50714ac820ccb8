import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { isCodermError } from "../../src/errors.js";
import {
  type GenerationEvent,
  type GenerationJob,
  generate,
  OpenAIProvider,
  parseRetryAfter,
} from "../../src/llm/index.js";
import { openStore, ResponseCache, type Store } from "../../src/store/index.js";
import { type ChatServer, type Fault, startChatServer } from "../support/chat-server.js";

const fast = { baseDelayMs: 5, maxDelayMs: 40, maxRetryAfterMs: 5_000 };
let dir: string;
const servers: ChatServer[] = [];
const stores: Store[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "coderm-llm-"));
});
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
  for (const s of stores.splice(0)) s.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function server(options: Parameters<typeof startChatServer>[0]) {
  const s = await startChatServer(options);
  servers.push(s);
  return s;
}

function cacheAt(name: string): ResponseCache {
  const store = openStore(join(dir, name));
  stores.push(store);
  return new ResponseCache(store);
}

function jobs(count: number, prefix = "task"): GenerationJob[] {
  return Array.from({ length: count }, (_, i) => ({
    taskId: `${prefix}/${i}`,
    messages: [{ role: "user" as const, content: `${prefix} problem ${i}` }],
  }));
}

const provider = (s: ChatServer) =>
  new OpenAIProvider({ baseURL: s.baseURL, apiKeyEnv: "NO_SUCH_KEY", model: "m" });

describe("generate against a faulty server", () => {
  it("retries 429 (retry-after), 500, hang, malformed JSON, reset and empty choice; every sample exactly once", async () => {
    const faults: Record<number, Fault> = {
      2: { kind: "status", status: 429, headers: { "retry-after": "1" } },
      3: { kind: "status", status: 500 },
      4: { kind: "hang" },
      5: { kind: "malformed" },
      6: { kind: "reset" },
      7: { kind: "empty" },
    };
    const s = await server({ latencyMs: 5, fault: (_r, k) => faults[k] });
    const cache = cacheAt("faults.sqlite");
    const events: GenerationEvent[] = [];
    const { results, summary } = await generate(jobs(6), {
      provider: provider(s),
      role: "policy",
      n: 3,
      cache,
      concurrency: 2,
      // Generous: on two busy cores a cold first request can take a while; the hang always exceeds it.
      timeoutMs: 1000,
      backoff: fast,
      onEvent: (e) => events.push(e),
    });
    const texts = results.flatMap((r) => r.samples.map((x) => x.text));
    expect(texts).toHaveLength(18);
    expect(texts.every((t) => t?.includes("def f"))).toBe(true);
    expect(new Set(texts).size).toBe(18);
    expect(summary.failures).toBe(0);
    expect(summary.errors).toMatchObject({
      "rate-limit": 1,
      server: 1,
      malformed: 1,
      connection: 1,
      empty: 1,
    });
    expect(summary.errors.timeout).toBeGreaterThanOrEqual(1);
    const rateLimited = events.find((e) => e.type === "retry" && e.kind === "rate-limit");
    expect(rateLimited).toMatchObject({ delayMs: 1000 });
    expect(s.stats.faults).toMatchObject({ status: 2, hang: 1, malformed: 1, reset: 1, empty: 1 });
    // The empty choice was asked again alone: 6 jobs x 3 + 3 retried batches of 3 + 1 empty sample re-asked.
    expect(s.stats.samplesServed).toBe(18);
    expect(summary.promptTokens).toBeGreaterThan(0);

    // Second run: everything comes from the store, the server is not asked at all.
    s.reset();
    const again = await generate(jobs(6), {
      provider: provider(s),
      role: "policy",
      n: 3,
      cache,
      backoff: fast,
    });
    expect(s.stats.requests).toBe(0);
    expect(again.summary.cacheHits).toBe(18);
    expect(again.results.flatMap((r) => r.samples.map((x) => x.text))).toEqual(texts);
  });

  it("reports samples that fail past retries without crashing, and does not cache them", async () => {
    const s = await server({
      fault: (r) => (r.prompt.endsWith("1") ? { kind: "status", status: 503 } : undefined),
    });
    const cache = cacheAt("fail.sqlite");
    const { results, summary } = await generate(jobs(2), {
      provider: provider(s),
      role: "tester",
      n: 2,
      cache,
      maxRetries: 2,
      backoff: fast,
    });
    expect(results[0]!.samples.every((x) => x.text !== null)).toBe(true);
    expect(results[1]!.samples.map((x) => x.text)).toEqual([null, null]);
    expect(results[1]!.samples[0]!.error).toMatch(/HTTP 503.*after 2 retries/);
    expect(summary.failures).toBe(2);
    expect(cache.samples(results[1]!.key).size).toBe(0);
    expect(cache.samples(results[0]!.key).size).toBe(2);
  });

  it("fails one sample on a non-retryable 400 but stops the run on 401", async () => {
    const s400 = await server({ fault: () => ({ kind: "status", status: 400 }) });
    const r = await generate(jobs(1), { provider: provider(s400), role: "policy", n: 1, backoff: fast });
    expect(r.results[0]!.samples[0]!.error).toMatch(/HTTP 400/);
    expect(s400.stats.requests).toBe(1);
    const s401 = await server({ fault: () => ({ kind: "status", status: 401 }) });
    const err = await generate(jobs(3), {
      provider: provider(s401),
      role: "policy",
      n: 1,
      backoff: fast,
    }).catch((e) => e);
    expect(isCodermError(err) && err.code).toBe("E_SERVER");
  });
});

describe("cache control", () => {
  it("with noCache asks again and stores the new samples", async () => {
    const s = await server({});
    const cache = cacheAt("nocache.sqlite");
    const first = await generate(jobs(2), { provider: provider(s), role: "policy", n: 2, cache });
    const again = await generate(jobs(2), {
      provider: provider(s),
      role: "policy",
      n: 2,
      cache,
      noCache: true,
    });
    expect(s.stats.samplesAsked).toBe(8);
    expect(again.summary.cacheHits).toBe(0);
    const fresh = again.results[0]!.samples.map((x) => x.text);
    expect(fresh).not.toEqual(first.results[0]!.samples.map((x) => x.text));
    expect([...cache.samples(again.results[0]!.key).values()].map((c) => c.text)).toEqual(fresh);
  });

  it("keys differ by role, model and sampling", async () => {
    const s = await server({});
    const cache = cacheAt("keys.sqlite");
    const base = { provider: provider(s), n: 1, cache } as const;
    await generate(jobs(1), { ...base, role: "policy" });
    await generate(jobs(1), { ...base, role: "tester" });
    await generate(jobs(1), {
      ...base,
      role: "policy",
      sampling: { temperature: 0, top_p: 1, max_tokens: 16 },
    });
    await generate(jobs(1), { ...base, role: "policy" });
    expect(s.stats.requests).toBe(3);
  });
});

describe("n, sharing and concurrency", () => {
  it("asks for n completions per request when the server supports it", async () => {
    const s = await server({});
    await generate(jobs(3), { provider: provider(s), role: "policy", n: 5, backoff: fast });
    expect(s.stats.requests).toBe(3);
    expect(s.stats.log.map((r) => r.n)).toEqual([5, 5, 5]);
  });

  it("falls back to one request per sample when the server ignores n, and remembers it", async () => {
    const s = await server({ supportsN: false });
    const p = provider(s);
    const events: GenerationEvent[] = [];
    const { results } = await generate(jobs(4), {
      provider: p,
      role: "policy",
      n: 3,
      concurrency: 1,
      backoff: fast,
      onEvent: (e) => events.push(e),
    });
    expect(results.flatMap((r) => r.samples).every((x) => x.text !== null)).toBe(true);
    expect(p.supportsN).toBe(false);
    expect(events.filter((e) => e.type === "no-n")).toHaveLength(1);
    // Only the first request asked for n > 1; 4 x 3 samples were served exactly once.
    expect(s.stats.log.filter((r) => r.n > 1)).toHaveLength(1);
    expect(s.stats.samplesServed).toBe(12);
  });

  it("remembers in the store that a server ignores n", async () => {
    const s = await server({ supportsN: false });
    const cache = cacheAt("non.sqlite");
    await generate(jobs(1), { provider: provider(s), role: "policy", n: 2, cache, backoff: fast });
    expect(s.stats.log.filter((r) => r.n > 1)).toHaveLength(1);
    s.reset();
    const fresh = provider(s);
    await generate(jobs(2, "other"), { provider: fresh, role: "policy", n: 2, cache, backoff: fast });
    expect(fresh.supportsN).toBe(false);
    expect(s.stats.log.every((r) => r.n === 1)).toBe(true);
    expect(s.stats.requests).toBe(4);
  });

  it("shares identical requests in flight instead of asking twice", async () => {
    const s = await server({ latencyMs: 30 });
    const same = [0, 1].map((i) => ({
      taskId: `dup/${i}`,
      messages: [{ role: "user" as const, content: "same" }],
    }));
    const { results, summary } = await generate(same, { provider: provider(s), role: "policy", n: 4 });
    expect(s.stats.samplesAsked).toBe(4);
    expect(summary.shared).toBe(4);
    expect(results[1]!.samples.map((x) => x.text)).toEqual(results[0]!.samples.map((x) => x.text));
  });

  it("keeps exactly -j requests in flight", async () => {
    const s = await server({ latencyMs: 40 });
    const { summary } = await generate(jobs(24), {
      provider: provider(s),
      role: "policy",
      n: 1,
      concurrency: 4,
    });
    expect(s.stats.maxInFlight).toBe(4);
    expect(summary.peakConcurrency).toBe(4);
  });

  it("sends the paper's sampling parameters by default", async () => {
    const s = await server({});
    await generate(jobs(1), { provider: provider(s), role: "tester", n: 1 });
    expect(s.stats.log[0]!.body).toMatchObject({
      temperature: 0.8,
      top_p: 0.95,
      max_tokens: 2048,
      model: "m",
    });
    expect(s.stats.log[0]!.body.n).toBeUndefined();
  });
});

describe("parseRetryAfter", () => {
  const h = (o: Record<string, string>) => new Headers(o);
  it("reads seconds, milliseconds and HTTP dates", () => {
    expect(parseRetryAfter(h({ "retry-after": "2" }))).toBe(2000);
    expect(parseRetryAfter(h({ "retry-after-ms": "150", "retry-after": "9" }))).toBe(150);
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseRetryAfter(h({ "retry-after": "Thu, 01 Jan 2026 00:00:03 GMT" }), now)).toBe(3000);
    expect(parseRetryAfter(h({ "retry-after": "soon" }))).toBeUndefined();
    expect(parseRetryAfter(h({}))).toBeUndefined();
  });
});
