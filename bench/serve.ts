/**
 * bench:serve — the reward service against its baselines, on the same pairs, in one run, loopback only:
 *   1. `coderm exec` (the CLI, startup counted) on every pair;
 *   2. `/v1/score` from 64 concurrent clients (one request per problem, N solutions x M tests);
 *   3. verl-style `/run_code`, one request per stdin case, against a plain process-per-request server
 *      that runs a fresh /usr/bin/python3 per request (SandboxFusion's model), same cases, same clients.
 * Pairs: real HumanEval+ tasks (vendor/evalplus): the canonical solution and a wrong one against each
 * assert of the task's check(). Each request's solutions carry a unique comment, so the verdict cache
 * never answers and the service does the same work as exec.
 * /run_code's outputs are checked against the plain server's, and the plain server runs first and last
 * (the ratio is against its faster run, so a load change during the run cannot flatter the service).
 *   npm run bench:serve -- [--tasks 40] [--requests 128] [--workers 2] [--clients 64] [--cases 400]
 *                          [--run-code-clients 16] [--run-code-warmup 64] [--parts exec,score,run-code]
 *                          [--breakdown (CPU per case by process, run-code part)]
 */
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { Agent, createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs, promisify } from "node:util";
import { loadBenchmark } from "../src/problems/evalplus.js";
import { Sandbox } from "../src/sandbox/index.js";
import { startServer } from "../src/serve/index.js";
import { type CpuSnapshot, cpuPerCase, cpuSnapshot } from "./serve-cpu.js";

const { values } = parseArgs({
  options: {
    tasks: { type: "string", default: "40" },
    requests: { type: "string", default: "128" },
    workers: { type: "string", default: "2" },
    clients: { type: "string", default: "64" },
    "run-code-clients": { type: "string", default: "16" },
    cases: { type: "string", default: "400" },
    /** /run_code requests sent (not timed) before the timed run. */
    "run-code-warmup": { type: "string", default: "64" },
    /** CPU per case by process for /run_code and the plain server (bench/serve-cpu.ts). */
    breakdown: { type: "boolean", default: false },
    /** Which of the three to run (quick checks of one): exec,score,run-code. */
    parts: { type: "string", default: "exec,score,run-code" },
  },
});
const PARTS = new Set(values.parts.split(","));
const TASKS = Number(values.tasks);
const REQUESTS = Number(values.requests);
const WORKERS = Number(values.workers);
const CLIENTS = Number(values.clients);
const RC_CLIENTS = Number(values["run-code-clients"]);
const CASES = Number(values.cases);
const RC_WARMUP = Number(values["run-code-warmup"]);
const PY = "/usr/bin/python3";
const load = () => loadavg()[0]!.toFixed(2);

const tasks = (await loadBenchmark("humaneval+")).records.slice(0, TASKS);

/** One /v1/score request per problem instance: [right, wrong] x the check()'s asserts. */
const requests = Array.from({ length: REQUESTS }, (_, r) => {
  const t = tasks[r % tasks.length]!;
  const asserts = (t.test ?? "")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.startsWith("assert candidate"))
    .map((l) => l.replaceAll("candidate", t.entry_point))
    .slice(0, 8);
  const salt = `\n# request ${r}\n`;
  return {
    format: "assert" as const,
    strategy: "coderm-vote" as const,
    solutions: [t.prompt + (t.canonical_solution ?? "") + salt, `${t.prompt}    return None${salt}`],
    tests: asserts.map((a) => [a]),
  };
}).filter((q) => q.tests.length > 0);
const pairCount = requests.reduce((a, q) => a + q.solutions.length * q.tests.length, 0);

// The /run_code clients (both servers): node:http on keep-alive sockets, one per client. They share the cores
// with the servers they measure, and fetch (undici) spends ≈ 0.3–0.7 ms of CPU more per request than
// node:http: a constant the process-per-request baseline hardly notices (≈ 33 ms per case) and /run_code
// pays on a few ms per case. (/v1/score keeps fetch: its requests are few and large, its goal is vs exec.)
const agent = new Agent({ keepAlive: true, maxSockets: RC_CLIENTS });
function post(url: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: "POST",
        agent,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN;
}

/** `clients` loops pulling from a shared index; per-request latency and status counts. */
async function drive(n: number, clients: number, one: (i: number) => Promise<number>) {
  const lat: number[] = [];
  const status = new Map<number, number>();
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < n) {
        const i = next++;
        const s = performance.now();
        const code = await one(i);
        lat.push(performance.now() - s);
        status.set(code, (status.get(code) ?? 0) + 1);
      }
    }),
  );
  const secs = (performance.now() - t0) / 1000;
  const c5 = [...status].filter(([k]) => k >= 500).reduce((a, [, v]) => a + v, 0);
  return { secs, p50: quantile(lat, 0.5), p99: quantile(lat, 0.99), c429: status.get(429) ?? 0, c5xx: c5 };
}

console.log(
  `bench:serve: ${requests.length} requests, ${pairCount} pairs (${tasks.length} HumanEval+ tasks), ${WORKERS} workers, load ${load()}`,
);

// 1. coderm exec on the same pairs (the CLI process, its startup counted).
let execRate = Number.NaN;
if (PARTS.has("exec")) {
  const dir = mkdtempSync(join(tmpdir(), "bench-serve-"));
  const pairsFile = join(dir, "pairs.jsonl");
  writeFileSync(
    pairsFile,
    `${requests
      .flatMap((q, r) =>
        q.solutions.flatMap((solution, i) =>
          q.tests.map((test, j) =>
            JSON.stringify({ id: `${r}:${i}:${j}`, solution, test, format: q.format }),
          ),
        ),
      )
      .join("\n")}\n`,
  );
  const t0 = performance.now();
  await promisify(execFile)(process.execPath, [
    "--import",
    "tsx",
    "src/cli/main.ts",
    "exec",
    "--pairs",
    pairsFile,
    "--out",
    join(dir, "out.jsonl"),
    "--workers",
    String(WORKERS),
  ]);
  const execSecs = (performance.now() - t0) / 1000;
  execRate = pairCount / execSecs;
  console.log(
    `  coderm exec          ${execRate.toFixed(1)} pairs/s (${execSecs.toFixed(2)} s), load ${load()}`,
  );
}

// 2. /v1/score, 64 clients, through one server process started here (its sandbox start counted, too).
const t1 = performance.now();
const sb = await Sandbox.start({ workers: WORKERS });
const srv = await startServer({ executor: sb, programs: sb, port: 0 });
const startSecs = (performance.now() - t1) / 1000;
if (PARTS.has("score")) {
  const score = await drive(requests.length, CLIENTS, async (i) => {
    const r = await fetch(`${srv.url}/v1/score`, { method: "POST", body: JSON.stringify(requests[i]) });
    await r.arrayBuffer();
    return r.status;
  });
  const scoreRate = pairCount / (score.secs + startSecs);
  console.log(
    `  /v1/score x${CLIENTS}       ${scoreRate.toFixed(1)} pairs/s (${score.secs.toFixed(2)} s + ${startSecs.toFixed(2)} s start), p50 ${score.p50.toFixed(0)} ms, p99 ${score.p99.toFixed(0)} ms, 429 ${score.c429}, 5xx ${score.c5xx}, load ${load()}`,
  );
  console.log(`  ratio /v1/score / exec: ${(scoreRate / execRate).toFixed(2)}x (goal >= 0.8 with 0 5xx)`);
}

// 3. verl-style /run_code, one call per stdin case, vs a fresh interpreter per request.
if (PARTS.has("run-code")) {
  const main = (e: string) => `\nimport json\nargs = json.loads(input())\nprint(repr(${e}(*args)))\n`;
  const cases = tasks
    .flatMap((t) =>
      (t.base_input ?? []).map((a) => ({
        code: t.prompt + (t.canonical_solution ?? "") + main(t.entry_point),
        stdin: JSON.stringify(a),
      })),
    )
    .slice(0, CASES);
  const plain = createServer((req, res) => {
    let raw = "";
    req.on("data", (d: Buffer) => {
      raw += d.toString();
    });
    req.on("end", () => {
      const { code, stdin } = JSON.parse(raw) as { code: string; stdin: string };
      const p = spawn(PY, ["-c", code], { stdio: ["pipe", "pipe", "pipe"] });
      let out = "";
      p.stdout.on("data", (d: Buffer) => {
        out += d.toString();
      });
      p.on("close", (rc) => res.end(JSON.stringify({ stdout: out, return_code: rc })));
      p.stdin.end(stdin);
    });
  });
  await new Promise<void>((r) => plain.listen(0, "127.0.0.1", r));
  const plainUrl = `http://127.0.0.1:${(plain.address() as AddressInfo).port}`;
  const expected: string[] = [];
  const cpu: string[] = [];
  const measured = async <T>(name: string, plainSide: boolean, run: () => Promise<T>): Promise<T> => {
    const a: CpuSnapshot | undefined = values.breakdown ? cpuSnapshot(sb.stats) : undefined;
    const out = await run();
    if (a) cpu.push(`    ${name}: ${cpuPerCase(a, cpuSnapshot(sb.stats), cases.length, plainSide)}`);
    return out;
  };
  const viaPlain = (name: string) =>
    measured(name, true, () =>
      drive(cases.length, RC_CLIENTS, async (i) => {
        const r = await post(plainUrl, JSON.stringify(cases[i]));
        expected[i] = (JSON.parse(r.body) as { stdout: string }).stdout;
        return r.status;
      }),
    );
  const plainFirst = await viaPlain("plain, first");
  let wrong = 0;
  let differ = 0;
  const runCode = (i: number) =>
    post(`${srv.url}/run_code`, JSON.stringify({ ...cases[i], language: "python", run_timeout: 10 }));
  // A server runs for hours: its handlers are measured compiled, not interpreted (the plain server's own code
  // is a spawn; its cost is the interpreter's start, the same cold or warm). The warm-up is not counted.
  await drive(RC_WARMUP, RC_CLIENTS, async (i) => (await runCode(i % cases.length)).status);
  const viaServe = await measured("/run_code", false, () =>
    drive(cases.length, RC_CLIENTS, async (i) => {
      const r = await runCode(i);
      const b = JSON.parse(r.body) as { status?: string; run_result?: { stdout?: string } };
      if (b.status !== "Success") wrong++;
      if (b.run_result?.stdout !== expected[i]) differ++;
      return r.status;
    }),
  );
  const serveLoad = load();
  const plainLast = await viaPlain("plain, last");
  const rate = (d: { secs: number }) => cases.length / d.secs;
  const plainRate = Math.max(rate(plainFirst), rate(plainLast));
  const serveRate = rate(viaServe);
  for (const [name, d] of [
    ["plain fresh python3, first", plainFirst],
    ["plain fresh python3, last ", plainLast],
  ] as const)
    console.log(
      `  ${name} ${rate(d).toFixed(1)} cases/s, p50 ${d.p50.toFixed(0)} ms, p99 ${d.p99.toFixed(0)} ms`,
    );
  console.log(
    `  /run_code x${RC_CLIENTS}       ${serveRate.toFixed(1)} cases/s, p50 ${viaServe.p50.toFixed(0)} ms, p99 ${viaServe.p99.toFixed(0)} ms, 429 ${viaServe.c429}, 5xx ${viaServe.c5xx}, not Success ${wrong}, stdout differs ${differ}, load ${serveLoad} (after all: ${load()})`,
  );
  console.log(`  ratio /run_code / plain (faster run): ${(serveRate / plainRate).toFixed(2)}x (goal >= 10)`);
  if (cpu.length > 0)
    console.log(
      `  CPU per case (load-proof; both sides share the cores with the clients):\n${cpu.join("\n")}`,
    );
  plain.close();
}
agent.destroy();
await srv.close();
await sb.close();
