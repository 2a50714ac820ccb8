/**
 * The producer side of bench/queue.ts's overhead runs, in its own process so that its CPU is measured
 * apart from the worker's: reads pairs (JSONL), runs them through `QueueExecutor`, prints one JSON line.
 * Usage (from bench/queue.ts): tsx bench/queue-producer.ts REDIS_URL PAIRS_FILE PAIRS_PER_SHARD
 */
import { readFileSync } from "node:fs";
import { QueueExecutor } from "../src/queue/index.js";
import type { PairInput } from "../src/sandbox/index.js";

const [url, file, perShard] = process.argv.slice(2);
const pairs = readFileSync(file!, "utf8")
  .split("\n")
  .filter(Boolean)
  .map((l) => JSON.parse(l) as PairInput);
const ex = await QueueExecutor.connect({ redis: url!, shard: { maxPairs: Number(perShard) } });
const c0 = process.cpuUsage();
const t0 = performance.now();
let n = 0;
for await (const _ of ex.run(pairs)) n++;
const ms = performance.now() - t0;
const cpu = process.cpuUsage(c0);
await ex.close();
console.log(JSON.stringify({ n, ms, cpuUs: cpu.user + cpu.system, shards: ex.lastStats?.completed ?? 0 }));
