/**
 * `npm run bench:gen`: client overhead per request and concurrency of `generate` against the local
 * chat-completions test server with an artificial latency.
 *
 * - overhead: sequential requests (-j 1) through generate (openai client + retries + SQLite cache) vs a bare
 *   `fetch` of the same endpoint, both measured here; the difference is what coderm adds per request.
 * - concurrency: with -j K the server must see exactly K requests in flight, and throughput approach K/latency.
 */

import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generate, OpenAIProvider } from "../src/llm/index.js";
import { openStore, ResponseCache } from "../src/store/index.js";
import type { ChatServerStats } from "../test/support/chat-server.js";

const LATENCY = Number(process.env.BENCH_LATENCY_MS ?? 50);
// Seeing K requests in flight needs K request launches to take less than one latency; on a loaded
// machine the concurrency runs therefore use a longer latency (override with BENCH_CONCURRENCY_LATENCY_MS).
const CONC_LATENCY = Number(process.env.BENCH_CONCURRENCY_LATENCY_MS ?? 500);
const SEQUENTIAL = Number(process.env.BENCH_SEQUENTIAL ?? 40);
const dir = mkdtempSync(join(tmpdir(), "coderm-bench-gen-"));

/** The server runs in its own process so its work does not slow the client being measured. */
async function spawnServer(latencyMs: number) {
  const child = spawn(process.execPath, ["--import", "tsx", "test/support/chat-server.ts"], {
    cwd: new URL("..", import.meta.url).pathname,
    env: { ...process.env, CHAT_SERVER_LATENCY_MS: String(latencyMs) },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const baseURL = await new Promise<string>((resolve, reject) => {
    let buf = "";
    child.stdout!.on("data", (d) => {
      buf += String(d);
      const m = /listening (\S+)/.exec(buf);
      if (m) resolve(m[1]!);
    });
    child.on("exit", (code) => reject(new Error(`chat server exited with ${code}`)));
  });
  const origin = baseURL.replace(/\/v1$/, "");
  return {
    baseURL,
    stats: async () => (await (await fetch(`${origin}/_stats`)).json()) as ChatServerStats,
    reset: async () => void (await fetch(`${origin}/_reset`, { method: "POST" })),
    close: () => child.kill("SIGTERM"),
  };
}
let server = await spawnServer(LATENCY);
const store = openStore(join(dir, "store.sqlite"));
const cache = new ResponseCache(store);
let provider = new OpenAIProvider({ baseURL: server.baseURL, apiKeyEnv: "UNSET", model: "bench" });
let run = 0;

const jobs = (count: number) => {
  run++;
  return Array.from({ length: count }, (_, i) => ({
    taskId: `t${i}`,
    messages: [{ role: "user" as const, content: `run ${run} problem ${i}` }],
  }));
};

async function rawFetch(count: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    const res = await fetch(`${server.baseURL}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "bench", messages: [{ role: "user", content: `raw ${i}` }] }),
    });
    await res.json();
  }
  return (performance.now() - t0) / count;
}

/** Baseline for throughput: K bare fetch loops against the same server. */
async function rawConcurrent(count: number, k: number): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: k }, async () => {
      while (next < count) {
        const i = next++;
        const res = await fetch(`${server.baseURL}/chat/completions`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ model: "bench", messages: [{ role: "user", content: `raw ${i}` }] }),
        });
        await res.json();
      }
    }),
  );
  return count / ((performance.now() - t0) / 1000);
}

async function viaGenerate(count: number, concurrency: number) {
  await server.reset();
  const t0 = performance.now();
  const { summary } = await generate(jobs(count), { provider, role: "policy", n: 1, cache, concurrency });
  const ms = performance.now() - t0;
  if (summary.failures > 0) throw new Error(`${summary.failures} failures`);
  const stats = await server.stats();
  return { perRequest: ms / count, total: ms, maxInFlight: stats.maxInFlight, requests: stats.requests };
}

// Warm up both paths (JIT, connection pool, SQLite pages).
await rawFetch(5);
await viaGenerate(5, 1);

// Paired and interleaved (one bare fetch, then one request through generate, repeated): on a shared, busy
// machine this cancels most of the drift that separate blocks of measurements would pick up.
const fetchMs: number[] = [];
const generateMs: number[] = [];
for (let i = 0; i < SEQUENTIAL; i++) {
  fetchMs.push(await rawFetch(1));
  generateMs.push((await viaGenerate(1, 1)).perRequest);
}
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const raw = median(fetchMs);
const ours = median(generateMs);
const diffs = generateMs.map((g, i) => g - fetchMs[i]!);
console.log(`latency ${LATENCY} ms, ${SEQUENTIAL} paired sequential requests (medians)`);
console.log(
  `  bare fetch        ${raw.toFixed(2)} ms/request (over latency ${(raw - LATENCY).toFixed(2)} ms)`,
);
console.log(
  `  coderm generate   ${ours.toFixed(2)} ms/request (over latency ${(ours - LATENCY).toFixed(2)} ms)`,
);
console.log(
  `  client overhead vs bare fetch: median of paired differences ${median(diffs).toFixed(2)} ms/request, ratio ${(ours / raw).toFixed(3)}`,
);

server.close();
server = await spawnServer(CONC_LATENCY);
provider = new OpenAIProvider({ baseURL: server.baseURL, apiKeyEnv: "UNSET", model: "bench" });
await viaGenerate(4, 4);
console.log(`concurrency (-j K, 4K requests of n=1, latency ${CONC_LATENCY} ms):`);
let ok = true;
for (const k of [1, 4, 16, 64]) {
  const r = await viaGenerate(4 * k, k);
  const ideal = (4 * k) / ((4 * CONC_LATENCY) / 1000);
  const rate = r.requests / (r.total / 1000);
  const bare = await rawConcurrent(4 * k, k);
  ok &&= r.maxInFlight === k;
  console.log(
    `  K=${String(k).padStart(2)}  max in flight at server ${String(r.maxInFlight).padStart(2)}  ${rate.toFixed(1)} req/s` +
      ` (bare fetch ${bare.toFixed(1)}, ratio ${(rate / bare).toFixed(2)}; ideal ${ideal.toFixed(0)})`,
  );
}
console.log(ok ? "max in flight = K for every K" : "MISMATCH: max in flight differs from K");
server.close();
store.close();
rmSync(dir, { recursive: true, force: true });
if (!ok) process.exitCode = 1;
