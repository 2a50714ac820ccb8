/**
 * Scale-out through BullMQ on Redis, measured in one run on the same pairs (the bundled CodeT slice,
 * vendor/codet, as `coderm run --codet` executes it):
 *   1. local: one `Sandbox` with --local-workers processes (what `coderm exec` does), startup counted;
 *   2. 1, 2 and 3 `coderm worker` processes (one sandbox process each) fed by `QueueExecutor`, with the
 *      producer's connect counted (workers are long-lived, so their startup is printed apart);
 *   3. the queue alone: the same shards through a worker whose runner executes nothing, to get the
 *      per-shard cost of Redis, BullMQ and the result store (wall, Redis CPU, Redis commands, bytes);
 *   4. redis-benchmark's ops/s on the same Redis, and a throughput model at 10 and 100 worker machines.
 * Redis is our own redis-server on a loopback port with AOF (appendfsync everysec, as BullMQ advises).
 * Usage: npm run bench:queue [-- --problems 20 --solutions 30 --tests 40 --shard-pairs auto|N --local-workers 2
 *   --queue-workers 1,2,3,1x2 --overhead-shards 300]
 */

import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadCodetData } from "../src/index.js";
import { indexSamples, planPairs } from "../src/matrix/pairs.js";
import { QueueExecutor, type ShardRunner, ShardWorker } from "../src/queue/index.js";
import { groupPairs, packShards, profileKey, profileOf, shardData } from "../src/queue/shards.js";

import { type PairInput, Sandbox } from "../src/sandbox/index.js";
import { type RedisServer, startRedis, startWorker, type WorkerProc } from "../test/queue/support.js";

const arg = (name: string, def: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? def) : def;
};
const PROBLEMS = Number(arg("problems", "20"));
const SOLUTIONS = Number(arg("solutions", "30"));
const TESTS = Number(arg("tests", "40"));
/** Pairs per shard for the throughput runs: "auto" (the producer's default, about 2 s each) or a number. */
const SHARD_ARG = arg("shard-pairs", "auto");
const FIXED = SHARD_ARG === "auto" ? undefined : Number(SHARD_ARG);
/** The larger shard size of the overhead runs. */
const SHARD = FIXED ?? 256;
const LOCAL = Number(arg("local-workers", "2"));
/**
 * Worker setups: "N" is N `coderm worker` processes of one slot each; "NxK" is N processes of K slots (one
 * worker per machine with --concurrency = cores is how a machine is normally run, and saves a Node process
 * per slot on a small machine).
 */
const QUEUE_WORKERS = arg("queue-workers", "1,2,3,1x2")
  .split(",")
  .map((w) => {
    const [n, k] = w.split("x").map(Number);
    return { n: n ?? 1, k: k ?? 1, label: w };
  });
const OVERHEAD_SHARDS = Number(arg("overhead-shards", "300"));

const TSX_CLI = fileURLToPath(new URL("../node_modules/tsx/dist/cli.mjs", import.meta.url));
const PRODUCER = fileURLToPath(new URL("./queue-producer.ts", import.meta.url));

const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(" ");
const secs = (ms: number) => (ms / 1000).toFixed(2);

// ---- pairs: the product's own path from CodeT's released generations to sandbox pairs
const vendor = fileURLToPath(new URL("../vendor/codet/", import.meta.url));
const data = await loadCodetData(vendor, { testSamples: TESTS });
const tasks = data.problems.slice(0, PROBLEMS).map((p) => p.task_id);
const sols = data.solutions.filter((s) => s.index < SOLUTIONS);
const pairs: PairInput[] = planPairs(indexSamples(sols, data.tests), tasks).pairs;
console.log(
  `bench:queue: ${pairs.length} pairs (${PROBLEMS} HumanEval problems × ${SOLUTIONS} CodeGen-16B solutions × the assert cases of ${TESTS} test samples), shards ${FIXED ? `of ≤ ${FIXED} pairs` : "sized to about 2 s of work"}; load ${load()}`,
);

interface Row {
  name: string;
  slots: number;
  ms: number;
  startMs?: number;
  load: string;
  agree?: string;
  note?: string;
}
const rowsOut: Row[] = [];

// ---- 1. local
const t0 = performance.now();
const sb = await Sandbox.start({ workers: LOCAL });
const localVerdicts = new Map<string, string>();
for await (const o of sb.run(pairs)) localVerdicts.set(o.id, o.verdict);
await sb.close();
const localMs = performance.now() - t0;
rowsOut.push({ name: "local exec (Sandbox)", slots: LOCAL, ms: localMs, load: load() });

// ---- 2. through Redis
const redis: RedisServer = await startRedis({ aof: true });
execFileSync("redis-cli", ["-p", String(redis.port), "config", "set", "appendfsync", "everysec"]);
const admin = redis.client();
const info = async (section: string) => (await admin.info(section)) as string;
const num = (text: string, key: string) => Number(new RegExp(`^${key}:([\\d.]+)`, "m").exec(text)?.[1] ?? 0);

async function stopAll(ws: WorkerProc[]): Promise<void> {
  for (const w of ws) w.proc.kill("SIGTERM");
  await Promise.all(ws.map((w) => w.exit));
}

for (const { n, k } of QUEUE_WORKERS) {
  await admin.flushall();
  const ws0 = performance.now();
  const ws = await Promise.all(Array.from({ length: n }, () => startWorker(redis.url, { concurrency: k })));
  const startMs = performance.now() - ws0;
  const t = performance.now();
  const ex = await QueueExecutor.connect({ redis: redis.url, shard: { maxPairs: FIXED } });
  let agree = 0;
  const differ = new Map<string, number>();
  for await (const o of ex.run(pairs)) {
    const l = localVerdicts.get(o.id);
    if (l === o.verdict) agree++;
    else differ.set(`${l}→${o.verdict}`, (differ.get(`${l}→${o.verdict}`) ?? 0) + 1);
  }
  const ms = performance.now() - t;
  const st = ex.lastStats!;
  await ex.close();
  await stopAll(ws);
  const idle = n * k * ms - st.workerMs;
  rowsOut.push({
    name: `queue, ${n} worker${n === 1 ? "" : "s"}${k > 1 ? ` × ${k} slots` : ""}`,
    slots: n * k,
    ms,
    startMs,
    load: load(),
    // Disagreements under load are borderline timings (0.1 s per assert case): local→queue verdicts.
    agree: `${agree}/${pairs.length}${differ.size ? ` (${[...differ].map(([k, v]) => `${k} ${v}`).join(", ")})` : ""}`,
    note: `${st.completed} shards (size limit at the end ${st.shardPairs} pairs); slot time outside shards ${secs(idle)} s (${(idle / Math.max(1, st.completed)).toFixed(0)} ms/shard, tail included)`,
  });
}

// ---- 3. the queue alone: a runner that executes nothing
const nullRunner = async (): Promise<ShardRunner> => ({
  isolation: { level: "weak", layers: {}, python: "(none: overhead benchmark)" },
  async *run(ps) {
    for (const p of ps) yield { id: p.id, verdict: "pass", passed: true };
  },
  async close() {},
  kill() {},
});
interface Overhead {
  pairsPerShard: number;
  concurrency: number;
  shards: number;
  wallUsPerShard: number;
  redisCpuUsPerShard: number;
  commandsPerShard: number;
  producerCpuUsPerShard: number;
  workerCpuUsPerShard: number;
  kibPerShard: number;
}
const overhead: Overhead[] = [];
const SMALL = 16;
const scratch = mkdtempSync(join(tmpdir(), "coderm-bench-queue-"));
for (const [pairsPerShard, concurrency] of [
  [SMALL, 1],
  [SMALL, 16],
  [SHARD, 16],
] as const) {
  await admin.flushall();
  const some = pairs.slice(0, Math.min(pairs.length, OVERHEAD_SHARDS * pairsPerShard));
  const file = join(scratch, "pairs.jsonl");
  writeFileSync(file, `${some.map((p) => JSON.stringify(p)).join("\n")}\n`);
  // The worker runs here (its CPU is this process's); the producer in a child process.
  const w = await ShardWorker.start({ redis: redis.url, concurrency, runner: nullRunner });
  const before = { cpu: await info("cpu"), stats: await info("stats"), node: process.cpuUsage() };
  const child = spawn(process.execPath, [TSX_CLI, PRODUCER, redis.url, file, String(pairsPerShard)], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d));
  await new Promise((r) => child.once("exit", r));
  const after = { cpu: await info("cpu"), stats: await info("stats"), node: process.cpuUsage(before.node) };
  await w.close();
  const p = JSON.parse(out.trim().split("\n").pop() ?? "{}") as {
    n: number;
    ms: number;
    cpuUs: number;
    shards: number;
  };
  if (p.n !== some.length) throw new Error(`overhead run delivered ${p.n}/${some.length}`);
  const cpu = (x: string) => num(x, "used_cpu_user") + num(x, "used_cpu_sys");
  const cmds = num(after.stats, "total_commands_processed") - num(before.stats, "total_commands_processed");
  const planned = packShards(groupPairs(some, profileKey(profileOf())).groups, {
    maxPairs: pairsPerShard,
    maxBytes: 1 << 20,
  });
  const bytes = planned.reduce((a, sh) => a + JSON.stringify(shardData(sh, "run", profileOf())).length, 0);
  overhead.push({
    pairsPerShard,
    concurrency,
    shards: p.shards,
    wallUsPerShard: (p.ms * 1000) / p.shards,
    redisCpuUsPerShard: ((cpu(after.cpu) - cpu(before.cpu)) * 1e6) / p.shards,
    commandsPerShard: cmds / p.shards,
    producerCpuUsPerShard: p.cpuUs / p.shards,
    workerCpuUsPerShard: (after.node.user + after.node.system) / p.shards,
    kibPerShard: bytes / planned.length / 1024,
  });
}
rmSync(scratch, { recursive: true, force: true });

// ---- 4. redis-benchmark
function redisBench(pipeline: number): Record<string, number> {
  const out = execFileSync(
    "redis-benchmark",
    [
      "-p",
      String(redis.port),
      "-q",
      "-n",
      "100000",
      "-c",
      "50",
      "-P",
      String(pipeline),
      "-t",
      "set,get,incr,lpush,rpop,hset,zadd",
    ],
    { encoding: "utf8" },
  );
  const r: Record<string, number> = {};
  for (const m of out.matchAll(/^(\w+)[^:]*: ([\d.]+) requests per second/gm)) r[m[1]!] = Number(m[2]);
  return r;
}
await admin.flushall();
const rb1 = redisBench(1);
const rb16 = redisBench(16);
await redis.dispose();

// ---- report
const localRate = pairs.length / (localMs / 1000);
console.log("\n| run | slots | time s | pairs/s | vs local | agreement | load avg (1/5/15) | notes |");
console.log("| --- | ---: | ---: | ---: | ---: | --- | --- | --- |");
for (const r of rowsOut) {
  const rate = pairs.length / (r.ms / 1000);
  console.log(
    `| ${r.name} | ${r.slots} | ${secs(r.ms)} | ${rate.toFixed(1)} | ${(rate / localRate).toFixed(2)}× | ${r.agree ?? "(baseline)"} | ${r.load} | ${r.startMs ? `workers started in ${secs(r.startMs)} s (not counted); ` : "startup counted; "}${r.note ?? ""} |`,
  );
}
// The goal is stated for two worker processes; the one-process, two-slot setup is printed beside it.
for (const two of rowsOut.filter((r) => r.slots === 2 && r.name.startsWith("queue")))
  console.log(
    `\ngoal: ${two.name} ≥ 0.9× local exec throughput on ${LOCAL} local processes: ${(localMs / two.ms).toFixed(2)}× → ${localMs / two.ms >= 0.9 ? "met" : "NOT met"}`,
  );

console.log(`\nqueue overhead (a worker that executes nothing; load ${load()}):`);
console.log(
  "| pairs/shard | worker concurrency | shards | wall µs/shard | Redis CPU µs/shard | Redis commands/shard | producer CPU µs/shard | worker CPU µs/shard | payload KiB/shard | wall µs/pair |",
);
console.log("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
for (const o of overhead)
  console.log(
    `| ${o.pairsPerShard} | ${o.concurrency} | ${o.shards} | ${o.wallUsPerShard.toFixed(0)} | ${o.redisCpuUsPerShard.toFixed(0)} | ${o.commandsPerShard.toFixed(1)} | ${o.producerCpuUsPerShard.toFixed(0)} | ${o.workerCpuUsPerShard.toFixed(0)} | ${o.kibPerShard.toFixed(1)} | ${(o.wallUsPerShard / o.pairsPerShard).toFixed(1)} |`,
  );
const fmt = (r: Record<string, number>) =>
  Object.entries(r)
    .map(([k, v]) => `${k} ${Math.round(v).toLocaleString("en-US")}`)
    .join(", ");
console.log(`\nredis-benchmark (50 clients, ops/s): ${fmt(rb1)}`);
console.log(`redis-benchmark pipelined ×16 (ops/s): ${fmt(rb16)}`);

// ---- model: Redis CPU per shard = fixed + per pair × pairs (fitted on the two shard sizes at concurrency 16);
// one Redis core serves at most 1 / that shards per second.
const small = overhead[1]!;
const big = overhead[2]!;
const perPairUs = Math.max(
  0,
  (big.redisCpuUsPerShard - small.redisCpuUsPerShard) / (big.pairsPerShard - small.pairsPerShard),
);
const fixedUs = Math.max(0, small.redisCpuUsPerShard - perPairUs * small.pairsPerShard);
const redisUs = (p: number) => fixedUs + perPairUs * p;
const perCore = localRate / LOCAL;
console.log(
  `\nmodel: Redis CPU per shard ≈ ${fixedUs.toFixed(0)} µs + ${perPairUs.toFixed(2)} µs per pair; one Redis core ≈ ${Math.round(1e6 / redisUs(256)).toLocaleString("en-US")} shards/s of 256 pairs (${Math.round((256 * 1e6) / redisUs(256)).toLocaleString("en-US")} pairs/s); this machine runs ${perCore.toFixed(0)} pairs/s per core`,
);
console.log(
  "| worker machines × cores | pairs/s | shards/s of 256 | Redis core busy at 64 / 256 / 1024 pairs per shard |",
);
console.log("| --- | ---: | ---: | --- |");
for (const machines of [10, 100])
  for (const cores of [2, 16]) {
    const need = machines * cores * perCore;
    const busy = (p: number) => `${((100 * (need / p) * redisUs(p)) / 1e6).toFixed(0)} %`;
    console.log(
      `| ${machines} × ${cores} | ${Math.round(need).toLocaleString("en-US")} | ${Math.round(need / 256).toLocaleString("en-US")} | ${busy(64)} / ${busy(256)} / ${busy(1024)} |`,
    );
  }
console.log(
  `\nload average at the end: ${load()} (quote figures only from a quiet machine: load below the core count)`,
);
