/**
 * Scale-out end to end: a real redis-server (AOF on), three `coderm worker` processes that share nothing
 * with the producer but Redis, and `coderm exec --queue` as the producer. Workers are SIGKILLed,
 * SIGSTOPped and SIGTERMed mid-shard, Redis is restarted mid-run, a poison shard kills every worker that
 * takes it, and a killed producer is rerun.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Job, Queue, QueueEvents } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QueueExecutor, QueueSet, type ShardRunner, ShardWorker } from "../../src/queue/index.js";
import {
  canHide,
  finish,
  hidden,
  jsonl,
  makePairs,
  type RedisServer,
  ROOT,
  readLines,
  rows,
  spawnCli,
  startRedis,
  startWorker,
  until,
  type WorkerFlags,
  type WorkerProc,
} from "./support.js";

// Short locks so a dead worker's shard comes back in ~2 s; two deaths fail a shard.
const FLAGS: WorkerFlags = { lockSeconds: 2, stallCheckSeconds: 0.5, maxStalls: 2 };

let redis: RedisServer;
let producerDir: string;
let workers: WorkerProc[] = [];
let queue: Queue;
let events: QueueEvents;

const stalled = new Set<string>();

const gone = new Set<WorkerProc>();

/** Signal a worker that is to die (SIGKILL/SIGTERM): it no longer counts as one of the three. */
function stopWorker(w: WorkerProc, sig: NodeJS.Signals): void {
  gone.add(w);
  w.proc.kill(sig);
}

let replacing: Promise<void> = Promise.resolve();
/** Start workers until three are alive (serialized: the poison test calls it from its killer). */
function replaceDead(): Promise<void> {
  replacing = replacing.then(async () => {
    const alive = workers.filter((w) => !gone.has(w) && w.proc.exitCode === null);
    const fresh = await Promise.all(
      Array.from({ length: 3 - alive.length }, () => startWorker(redis.url, FLAGS, producerDir)),
    );
    workers = [...workers, ...fresh];
  });
  return replacing;
}

function byName(name: string | undefined): WorkerProc | undefined {
  return workers.find((w) => w.name === name && !gone.has(w));
}

/** The worker processing an active job that matches `pick`, once there is one. */
async function activeWorker(
  pick: (j: Job) => boolean = () => true,
): Promise<{ job: Job; worker: WorkerProc }> {
  return until("a shard in progress", async () => {
    for (const job of await queue.getActive()) {
      const worker = byName(job.processedBy);
      if (worker && pick(job)) return { job, worker };
    }
    return undefined;
  });
}

function execQueue(name: string, extra: string[] = []) {
  const pairs = join(producerDir, `${name}.jsonl`);
  const out = join(producerDir, `${name}.out.jsonl`);
  const child = spawnCli(
    ["exec", "--pairs", pairs, "--out", out, "--queue", redis.url, "--shard-pairs", "12", ...extra],
    { cwd: producerDir },
  );
  return { child, out, done: finish(child) };
}

function expectVerdicts(out: string, want: Map<string, string>): void {
  const got = readLines(out).map((l) => JSON.parse(l) as { id: string; verdict: string });
  expect(got.length).toBe(want.size); // each pair exactly once
  expect(new Map(got.map((r) => [r.id, r.verdict]))).toEqual(want);
}

beforeAll(async () => {
  redis = await startRedis({ aof: true });
  producerDir = mkdtempSync(join(tmpdir(), "coderm-producer-"));
  await replaceDead();
  queue = new Queue("coderm", { connection: { port: redis.port, host: "127.0.0.1" }, prefix: "coderm" });
  events = new QueueEvents("coderm", {
    connection: { port: redis.port, host: "127.0.0.1" },
    prefix: "coderm",
  });
  events.on("stalled", ({ jobId }) => stalled.add(jobId));
  queue.on("error", () => {});
  events.on("error", () => {});
  await events.waitUntilReady();
}, 120_000);

afterAll(async () => {
  for (const w of workers) if (w.proc.exitCode === null) w.proc.kill("SIGKILL");
  await Promise.allSettled([queue?.close(), events?.close()]);
  await redis?.dispose();
  for (const w of workers) rmSync(w.dir, { recursive: true, force: true });
  if (producerDir) rmSync(producerDir, { recursive: true, force: true });
});

describe("coderm exec --queue with coderm worker", () => {
  it("workers share nothing with the producer but Redis: own cwd and TMPDIR, producer's directory invisible", () => {
    for (const w of workers) {
      expect(w.log()).toContain(`sandbox scratch under ${w.tmp}`);
      // The worker's sandbox staged its share folder in its own TMPDIR.
      expect(readdirSync(w.tmp).some((f) => f.startsWith("coderm-share-"))).toBe(true);
    }
    writeFileSync(join(producerDir, "secret.txt"), "producer only\n");
    if (canHide) {
      // The same wrapper the workers run under: the producer's directory is an empty tmpfs there.
      const [cmd, ...argv] = hidden(producerDir, 'ls -A "$0"');
      const seen = execFileSync(cmd!, argv, { encoding: "utf8" });
      expect(seen.trim()).toBe("");
    }
  });

  it("SIGKILL of a worker mid-shard: the run completes with results identical to a local coderm exec", async () => {
    const { pairs, want } = makePairs("kill", 12, 6);
    // One pair that runs into the 1 s limit, so the comparison covers every verdict.
    pairs.push({
      ...pairs[0]!,
      id: "kill/loop",
      test: pairs[0]!.test.replace("time.sleep(0.02)", "while True: pass"),
    });
    writeFileSync(join(producerDir, "kill.jsonl"), jsonl(pairs));
    const local = join(producerDir, "kill.local.jsonl");
    const localRun = finish(
      spawnCli(["exec", "--pairs", join(producerDir, "kill.jsonl"), "--out", local, "--workers", "2"], {
        cwd: producerDir,
      }),
    );
    const run = execQueue("kill");
    const { job, worker } = await activeWorker();
    stopWorker(worker, "SIGKILL");
    const r = await run.done;
    expect(r.code, r.stderr).toBe(0);
    expect((await localRun).code).toBe(0);
    expect(stalled.has(job.id!)).toBe(true); // it really was taken back from the dead worker
    expect(rows(run.out)).toEqual(rows(local));
    expect(rows(run.out)).toContain("kill/loop timeout false");
    expectVerdicts(run.out, new Map([...want, ["kill/loop", "timeout"]]));
    expect(r.stderr).toMatch(/queue: 3 workers \(3 slots\)/);
    await replaceDead();
  });

  it("a Redis restart mid-run (AOF on): the run still completes", async () => {
    const { pairs, want } = makePairs("restart", 18, 4);
    writeFileSync(join(producerDir, "restart.jsonl"), jsonl(pairs));
    const run = execQueue("restart");
    await until("first results", () => readLines(run.out).length > 0);
    await redis.stop();
    await redis.start();
    const r = await run.done;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("queue: lost Redis");
    expectVerdicts(run.out, want);
  });

  it("a shard run twice (its worker frozen past its lock, then resumed) yields each row once", async () => {
    const { pairs, want } = makePairs("twice", 12, 6, 0.05);
    writeFileSync(join(producerDir, "twice.jsonl"), jsonl(pairs));
    const run = execQueue("twice");
    const { job, worker } = await activeWorker();
    worker.proc.kill("SIGSTOP");
    await until("the frozen worker's shard to be taken back", () => stalled.has(job.id!));
    worker.proc.kill("SIGCONT");
    const r = await run.done;
    expect(r.code, r.stderr).toBe(0);
    expectVerdicts(run.out, want);
    // The resumed worker finished its copy too (same fields in the store) and keeps working.
    await until("the resumed worker to finish its copy", () => worker.log().includes(`shard ${job.id} done`));
    expect(worker.proc.exitCode).toBe(null);
  });

  it("a poison shard that kills every worker taking it ends as crash verdicts for its solution only", async () => {
    const { pairs, want } = makePairs("poison", 8, 3);
    // Solution 0 is the poison: whoever runs it is killed (as the OOM killer would), every time.
    const poison = (j: Job) =>
      (j.data as { groups: { solution: string }[] }).groups.some((g) =>
        g.solution.includes("poison solution 0\n"),
      );
    for (const id of want.keys()) if (id.startsWith("poison/0/")) want.set(id, "crash");
    writeFileSync(join(producerDir, "poison.jsonl"), jsonl(pairs));
    const run = execQueue("poison", ["--shard-pairs", "6"]); // solutions 0 and 1 share the first shard
    let kills = 0;
    let running = true;
    const killer = (async () => {
      while (running) {
        for (const job of await queue.getActive()) {
          const w = byName(job.processedBy);
          if (!w || !poison(job)) continue;
          stopWorker(w, "SIGKILL");
          kills++;
          void replaceDead();
        }
        await new Promise((r) => setTimeout(r, 25));
      }
    })();
    const r = await run.done;
    running = false;
    await killer;
    expect(r.code, r.stderr).toBe(0);
    expectVerdicts(run.out, want);
    // Twice as a shard of two solutions, then twice alone (a worker that only takes the shard to fail it
    // may be caught too).
    expect(kills).toBeGreaterThanOrEqual(4);
    expect(r.stderr).toContain("retrying its 2 solutions one per shard");
    const crash = readLines(run.out).find((l) => l.includes('"poison/0/0"'));
    expect(crash).toBeDefined();
    await replaceDead();
  });

  it("a killed producer's rerun enqueues only what Redis does not already hold", async () => {
    const { pairs, want } = makePairs("resume", 24, 4, 0.05);
    writeFileSync(join(producerDir, "resume.jsonl"), jsonl(pairs));
    const first = execQueue("resume");
    await until("some results", () => readLines(first.out).length >= 12);
    first.child.kill("SIGKILL");
    await first.done;
    const kept = readLines(first.out).length;
    expect(kept).toBeLessThan(pairs.length);
    // Workers skip a dead producer's shards once its run key lapses (30 s); drop them now instead, and let
    // the shards already in hand finish into Redis's result store.
    await queue.drain();
    await until("the shards in hand to finish", async () => (await queue.getActiveCount()) === 0, 20_000);
    const second = execQueue("resume");
    const r = await second.done;
    expect(r.code, r.stderr).toBe(0);
    expectVerdicts(second.out, want);
    const m = /(\d+) of (\d+) distinct pairs found in Redis's results, (\d+) shards enqueued/.exec(r.stderr);
    expect(m, r.stderr).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThan(0);
    expect(Number(m![2])).toBe(pairs.length - kept);
    expect(Number(m![3])).toBeLessThan(Math.ceil(pairs.length / 12));
  });

  it("keeps at most --in-flight shards in Redis and reports progress across all workers", async () => {
    const { pairs, want } = makePairs("window", 12, 4, 0.03);
    const progress: [number, number][] = [];
    const ex = await QueueExecutor.connect({
      redis: redis.url,
      inFlight: 2,
      shard: { maxPairs: 4 },
      onProgress: (d, t) => progress.push([d, t]),
    });
    let peak = 0;
    let polling = true;
    const poll = (async () => {
      while (polling) {
        const c = await queue.getJobCounts("wait", "active", "delayed", "prioritized");
        peak = Math.max(
          peak,
          Object.values(c).reduce((a, b) => a + b, 0),
        );
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const got = new Map<string, string>();
    const workersSeen = new Set<string>();
    const onCompleted = ({ returnvalue }: { returnvalue: unknown }) =>
      workersSeen.add((returnvalue as { worker?: string } | undefined)?.worker ?? "");
    events.on("completed", onCompleted);
    try {
      for await (const o of ex.run(pairs)) got.set(o.id, o.verdict);
    } finally {
      events.off("completed", onCompleted);
      polling = false;
      await poll;
      await ex.close();
    }
    expect(got).toEqual(want);
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(2);
    expect(ex.lastStats?.shards).toBe(12);
    // Progress counts pairs finished on any worker, monotonically, up to the total.
    expect(workersSeen.size).toBeGreaterThan(1);
    expect(progress.at(-1)).toEqual([pairs.length, pairs.length]);
    expect(progress.every(([d], i) => i === 0 || d >= progress[i - 1]![0])).toBe(true);
  });

  it("coderm run --queue: the execute stage on the workers gives the same matrix and choices as a local run", async () => {
    const args = (out: string) => [
      "run",
      "--codet",
      join(ROOT, "vendor/codet"),
      "--limit",
      "1",
      "-n",
      "20",
      "-m",
      "20",
      "--out",
      out,
      "--quiet",
    ];
    const localDir = join(producerDir, "run-local");
    const queueDir = join(producerDir, "run-queue");
    const [l, q] = await Promise.all([
      finish(spawnCli([...args(localDir), "--workers", "1"], { cwd: producerDir })),
      finish(spawnCli([...args(queueDir), "--queue", redis.url], { cwd: producerDir })),
    ]);
    expect(l.code, l.stderr).toBe(0);
    expect(q.code, q.stderr).toBe(0);
    for (const f of ["matrix.jsonl", "selected.jsonl"])
      expect(readFileSync(join(queueDir, f), "utf8")).toBe(readFileSync(join(localDir, f), "utf8"));
    const cells = (dir: string) =>
      readLines(join(dir, "results.jsonl"))
        .map(
          (line) => JSON.parse(line) as { task_id: string; solution: number; test: number; verdict: string },
        )
        .map((r) => `${r.task_id} ${r.solution} ${r.test} ${r.verdict}`)
        .sort();
    expect(cells(queueDir)).toEqual(cells(localDir));
    expect(cells(queueDir).length).toBeGreaterThan(100);
  });

  it("a shard whose outcomes are large comes back through the result store, not the event stream", async () => {
    const { pairs, want } = makePairs("stored", 40, 10, 0);
    const ex = await QueueExecutor.connect({ redis: redis.url, shard: { maxPairs: 400 } });
    const got = new Map<string, string>();
    const returned: unknown[] = [];
    const onCompleted = ({ returnvalue }: { returnvalue: unknown }) => returned.push(returnvalue);
    events.on("completed", onCompleted);
    try {
      for await (const o of ex.run(pairs)) got.set(o.id, o.verdict);
    } finally {
      events.off("completed", onCompleted);
      await ex.close();
    }
    expect(returned).toContainEqual(expect.objectContaining({ stored: true }));
    expect(got).toEqual(want);
    expect(ex.lastStats).toMatchObject({ completed: 1, readded: 0 });
  });

  it("sizes shards to the work: about targetMs of a worker's time each", async () => {
    // A worker whose runner takes `ms` per pair and executes nothing, on its own queue: the sizing
    // alone, independent of this machine's load.
    const timed = (ms: number) => async (): Promise<ShardRunner> => ({
      isolation: { level: "weak", layers: {}, python: "(none)" },
      async *run(ps) {
        for (const p of ps) {
          if (ms > 0) await new Promise((r) => setTimeout(r, ms));
          yield { id: p.id, verdict: "pass", passed: true };
        }
      },
      async close() {},
      kill() {},
    });
    const sizes: Record<string, number> = {};
    for (const [name, ms, n] of [
      ["fast", 0, 3000],
      ["slow", 4, 400],
    ] as const) {
      const w = await ShardWorker.start({
        redis: redis.url,
        queue: `adapt-${name}`,
        concurrency: 2,
        runner: timed(ms),
      });
      const ex = await QueueExecutor.connect({
        redis: redis.url,
        queue: `adapt-${name}`,
        inFlight: 2,
        shard: { targetMs: 200 },
      });
      const pairs = makePairs(`adapt-${name}`, n / 10, 10, 0).pairs;
      let got = 0;
      try {
        for await (const _ of ex.run(pairs)) got++;
      } finally {
        await ex.close();
        await w.close();
      }
      expect(got).toBe(pairs.length);
      sizes[name] = ex.lastStats!.shardPairs;
    }
    expect(sizes.fast).toBeGreaterThan(1000); // 64 at first, then up towards the cap
    expect(sizes.slow).toBeLessThan(64); // about 200 ms / 4 ms per pair
    expect(sizes.slow).toBeGreaterThanOrEqual(16);
  });

  it("several queues on several Redis: work is split by content and a rerun finds it in the same Redis", async () => {
    const second = await startRedis();
    const w = await startWorker(second.url, FLAGS, producerDir);
    try {
      const { pairs, want } = makePairs("set", 12, 4, 0);
      const progress: [number, number][] = [];
      const open = () =>
        QueueSet.connect(`${redis.url},${second.url}`, { onProgress: (d, t) => progress.push([d, t]) });
      const set = await open();
      const got = new Map<string, string>();
      for await (const o of set.run(pairs)) got.set(o.id, o.verdict);
      await set.close();
      expect(got).toEqual(want);
      expect(progress.at(-1)).toEqual([pairs.length, pairs.length]);
      for (const r of [redis, second]) {
        const c = r.client();
        expect((await c.keys("coderm:coderm:~res:*")).length).toBeGreaterThan(0);
      }
      const again = await open();
      for await (const _ of again.run(pairs));
      expect(again.lastStats).toMatchObject({ reused: pairs.length, enqueued: 0 });
      await again.close();
      expect(w.log()).toMatch(/shard \S+ done/);
    } finally {
      w.proc.kill("SIGKILL");
      await w.exit;
      await second.dispose();
      rmSync(w.dir, { recursive: true, force: true });
    }
  });

  it("SIGTERM: a worker finishes the shard in hand, takes no new one and exits 0", async () => {
    const { pairs, want } = makePairs("term", 12, 6, 0.05);
    writeFileSync(join(producerDir, "term.jsonl"), jsonl(pairs));
    const run = execQueue("term");
    const { job, worker } = await activeWorker();
    stopWorker(worker, "SIGTERM");
    expect(await worker.exit).toBe(0);
    const log = worker.log();
    const after = log.slice(log.indexOf("SIGTERM"));
    expect(after).toMatch(/finishing 1 shard in hand/);
    expect(after).toContain(`shard ${job.id} done`);
    expect(after).not.toContain("started");
    expect(stalled.has(job.id!)).toBe(false);
    const r = await run.done;
    expect(r.code, r.stderr).toBe(0);
    expectVerdicts(run.out, want);
    expect(existsSync(join(worker.tmp))).toBe(true);
    expect(readdirSync(worker.tmp).some((f) => f.startsWith("coderm-share-"))).toBe(false); // cleaned up
    expect(readFileSync(join(producerDir, "secret.txt"), "utf8")).toBe("producer only\n");
    await replaceDead();
  });
});
