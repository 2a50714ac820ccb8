/**
 * `QueueExecutor`: the PairExecutor that runs pairs on many machines through BullMQ on Redis. It dedupes
 * and groups pairs into coarse shards, takes every result already in Redis's content-keyed store (so a
 * rerun enqueues only what is missing), keeps at most a window of shards in flight (backpressure), and
 * streams outcomes as shards complete on any worker.
 *
 * What can go wrong and what happens:
 * - a worker dies mid-shard: BullMQ's stalled check puts the shard back; after the workers' maxStalls it
 *   fails, and the producer retries its solutions one per shard, so one poison solution ends as `crash`
 *   verdicts for its own pairs only;
 * - a shard runs twice (a stalled worker that was only slow): both runs store the same fields, and each
 *   pair is delivered once;
 * - a completion event is missed (Redis restart, stream trimmed): a periodic check asks BullMQ for the
 *   job's state and the store for its results, and re-enqueues a shard Redis lost;
 * - Redis stays unreachable longer than `outageMs`: the run fails with one line; results already stored
 *   survive in Redis (with persistence) and in the caller's output, so a rerun resumes;
 * - the caller aborts or stops iterating: the run key is deleted, so workers skip this run's queued shards.
 */
import { randomBytes } from "node:crypto";
import { Job, Queue, QueueEvents } from "bullmq";
import { Redis } from "ioredis";
import { CodermError } from "../errors.js";
import type { IsolationReport, PairExecutor, PairInput, PairOutcome } from "../sandbox/types.js";
import { Channel, END } from "./_channel.js";
import { DEFAULT_QUEUE, durableOptions, keys, openTarget, PREFIX, type RedisTarget } from "./redis.js";
import { lookupResults } from "./results.js";
import {
  DEFAULT_SHARD_LIMITS,
  type Group,
  groupPairs,
  type PlannedShard,
  type ProfileOptions,
  packShards,
  profileKey,
  profileOf,
  type ShardData,
  type ShardLimits,
  ShardPacker,
  type ShardResult,
  type StoredOutcome,
  shardData,
  type Unit,
} from "./shards.js";
import { HEARTBEAT_MS, type WorkerInfo } from "./worker.js";

export interface QueueExecutorOptions extends ProfileOptions {
  redis: string | RedisTarget;
  /** Queue name (default "coderm"); workers must use the same. */
  queue?: string;
  /** Shards in flight at most (default: twice the live workers' slots, at least 4). */
  inFlight?: number;
  /**
   * Shard size: a fixed `maxPairs`, or (default) sized to take about `targetMs` of a worker's time
   * (default 2000), learned from the shards completed so far; `maxBytes` bounds the payload (1 MiB).
   */
  shard?: Partial<ShardLimits> & { targetMs?: number };
  /** Take results already stored in Redis (default true). */
  reuse?: boolean;
  /** Fail the run when Redis has been unreachable this long (default 60 s). */
  outageMs?: number;
  /** How often to check on shards whose completion event may have been missed (default 5 s). */
  reconcileMs?: number;
  onProgress?: (done: number, total: number) => void;
  /** Human-readable lines: workers seen, retried shards, Redis outages. */
  onNotice?: (line: string) => void;
  /** The flag the URL came from, for error lines (default "--queue"). */
  flag?: string;
}

export interface QueueRunStats {
  /** Pairs asked for, and distinct (solution, test) among them. */
  pairs: number;
  units: number;
  /** Distinct pairs whose result was already in Redis. */
  reused: number;
  /** Shards cut from the pairs, and jobs added (re-adds and per-solution retries included). */
  shards: number;
  enqueued: number;
  /** Shards that failed and were retried one solution per shard; shards that ended as crash verdicts. */
  split: number;
  failed: number;
  /** Shards Redis lost (or whose worker skipped them) that were enqueued again. */
  readded: number;
  /** Sum of the workers' own time in the completed shards (ms), and those shards' count. */
  workerMs: number;
  completed: number;
  /** The shard size limit in force at the end (adaptive unless fixed). */
  shardPairs: number;
}

const JOB_OPTS = {
  // A shard whose processing throws (e.g. its worker's sandbox failed) is retried once on any worker.
  attempts: 2,
  backoff: { type: "fixed", delay: 1000 },
  // The outcomes travel in the completion event and live in the result store: the job itself can go.
  removeOnComplete: true,
  removeOnFail: { age: 3600 },
} as const;

/** Adaptive shard sizes: the first shards are small so the size is learned quickly. */
const FIRST_SHARD_PAIRS = 64;
const MIN_SHARD_PAIRS = 16;
const MAX_SHARD_PAIRS = 4096;

/** Workers not seen for this long are not counted. */
const LIVE_MS = 4 * HEARTBEAT_MS;
const RUN_TTL_MS = 30_000;

type JobEvent = { kind: "completed"; value: unknown } | { kind: "failed"; reason: string };

function describeFailure(reason: string): string {
  if (/stalled more than allowable limit/.test(reason))
    return `crash: every queue worker that ran this solution died before finishing it (BullMQ: ${reason})`;
  return `crash: the queue worker failed this shard: ${reason}`.slice(0, 2000);
}

export class QueueExecutor implements PairExecutor {
  private readonly handlers = new Map<string, (e: JobEvent) => void>();
  private downSince: number | undefined;
  private closed = false;
  private slots = 0;
  /** Statistics of the latest `run()`. */
  lastStats: QueueRunStats | undefined;

  private constructor(
    readonly target: RedisTarget,
    readonly queueName: string,
    private readonly opts: QueueExecutorOptions,
    private readonly redis: Redis,
    private readonly queue: Queue<ShardData, ShardResult>,
    private readonly events: QueueEvents,
    readonly isolation: IsolationReport | undefined,
  ) {}

  /** Check Redis (one clear line when it is unreachable or misconfigured) and connect. */
  static async connect(opts: QueueExecutorOptions): Promise<QueueExecutor> {
    const target = await openTarget(opts.redis, opts.flag ?? "--queue");
    const name = opts.queue ?? DEFAULT_QUEUE;
    const redis = new Redis(durableOptions(target));
    redis.on("error", () => {});
    const queue = new Queue<ShardData, ShardResult>(name, {
      connection: durableOptions(target),
      prefix: PREFIX,
    });
    queue.on("error", () => {});
    // Read events from the stream's current end: nothing added after this point can be missed.
    const last = await redis.xrevrange(`${PREFIX}:${name}:events`, "+", "-", "COUNT", 1);
    const events = new QueueEvents(name, {
      connection: durableOptions(target),
      prefix: PREFIX,
      lastEventId: last[0]?.[0] ?? "0-0",
    });
    events.on("error", () => {});
    await events.waitUntilReady();
    const live = await liveWorkers(redis, name);
    const ex = new QueueExecutor(target, name, opts, redis, queue, events, isolationOf(live));
    ex.slots = live.reduce((a, w) => a + w.slots, 0);
    events.on("completed", ({ jobId, returnvalue }) =>
      ex.dispatch(jobId, { kind: "completed", value: returnvalue }),
    );
    events.on("failed", ({ jobId, failedReason }) =>
      ex.dispatch(jobId, { kind: "failed", reason: failedReason }),
    );
    redis.on("close", () => {
      if (ex.closed || ex.downSince !== undefined) return;
      ex.downSince = Date.now();
      opts.onNotice?.(`queue: lost Redis at ${target.shown}; reconnecting`);
    });
    redis.on("ready", () => {
      if (ex.downSince === undefined) return;
      ex.downSince = undefined;
      opts.onNotice?.("queue: Redis is back");
    });
    return ex;
  }

  private dispatch(jobId: string, e: JobEvent): void {
    this.handlers.get(jobId)?.(e);
  }

  /** Workers that sent a heartbeat recently. */
  workers(): Promise<WorkerInfo[]> {
    return liveWorkers(this.redis, this.queueName);
  }

  async *run(
    pairs: Iterable<PairInput>,
    runOpts: { signal?: AbortSignal } = {},
  ): AsyncGenerator<PairOutcome> {
    if (this.closed) throw new CodermError("E_QUEUE", "the queue executor is closed");
    const { signal } = runOpts;
    const o = this.opts;
    const profile = profileOf(o);
    const { groups, total } = groupPairs(pairs, profileKey(profile));
    const stats: QueueRunStats = {
      pairs: total,
      units: groups.reduce((a, g) => a + g.units.length, 0),
      reused: 0,
      shards: 0,
      enqueued: 0,
      split: 0,
      failed: 0,
      readded: 0,
      workerMs: 0,
      completed: 0,
      shardPairs: o.shard?.maxPairs ?? FIRST_SHARD_PAIRS,
    };
    this.lastStats = stats;
    if (total === 0) return;
    const runId = randomBytes(6).toString("hex");
    const runKey = keys.run(this.queueName, runId);
    const ch = new Channel<PairOutcome>();
    const delivered = new Set<Unit>();
    let done = 0;
    const deliver = (u: Unit, out: StoredOutcome) => {
      if (delivered.has(u)) return;
      delivered.add(u);
      for (const id of u.ids) {
        ch.push({ id, ...out });
        done++;
      }
      o.onProgress?.(done, total);
      if (done === total) ch.end();
    };
    const notice = (line: string) => o.onNotice?.(line);
    const maxBytes = o.shard?.maxBytes ?? DEFAULT_SHARD_LIMITS.maxBytes;
    const targetMs = o.shard?.targetMs ?? 2000;
    /** Worker milliseconds per pair, a moving average over completed shards. */
    let msPerPair: number | undefined;
    const limits = (): ShardLimits => ({
      maxPairs:
        o.shard?.maxPairs ??
        (msPerPair === undefined
          ? FIRST_SHARD_PAIRS
          : Math.round(Math.min(MAX_SHARD_PAIRS, Math.max(MIN_SHARD_PAIRS, targetMs / msPerPair)))),
      maxBytes,
    });
    /** Shards to send again (split, lost, skipped) go first; fresh ones are cut at the size wanted now. */
    const retry: PlannedShard[] = [];
    let packer = new ShardPacker([]);
    const hasPending = () => retry.length > 0 || !packer.done;
    const nextShard = (): PlannedShard | undefined => {
      const again = retry.shift();
      if (again) return again;
      const fresh = packer.next(limits());
      if (fresh) stats.shards++;
      return fresh;
    };
    const outstanding = new Map<string, { shard: PlannedShard; since: number }>();
    let seq = 0;
    let slots = 0;
    let workerCount = -1;
    const window = () => o.inFlight ?? Math.min(4096, Math.max(4, 2 * slots));

    let pumping = false;
    const pump = async (): Promise<void> => {
      if (pumping) return;
      pumping = true;
      try {
        while (hasPending() && outstanding.size < window() && !this.closed) {
          const batch: PlannedShard[] = [];
          for (let n = Math.min(500, window() - outstanding.size); n > 0; n--) {
            const sh = nextShard();
            if (!sh) break;
            batch.push(sh);
          }
          const ids: string[] = [];
          const jobs = batch.map((shard) => {
            const jobId = `${runId}-${++seq}`;
            ids.push(jobId);
            outstanding.set(jobId, { shard, since: Number.POSITIVE_INFINITY });
            this.handlers.set(jobId, (e) => onEvent(jobId, e));
            return { name: "shard", data: shardData(shard, runId, profile), opts: { jobId, ...JOB_OPTS } };
          });
          await this.queue.addBulk(jobs);
          stats.enqueued += jobs.length;
          const now = Date.now();
          for (const id of ids) {
            const e = outstanding.get(id);
            if (e) e.since = now;
          }
        }
      } finally {
        pumping = false;
      }
    };
    const repump = () => void pump().catch((e: unknown) => ch.fail(e));

    const settle = (jobId: string) => {
      const e = outstanding.get(jobId);
      outstanding.delete(jobId);
      this.handlers.delete(jobId);
      return e;
    };
    /** Deliver a shard's outcomes from the result store; what is missing there is sent again. */
    const fromStore = async (shard: PlannedShard): Promise<boolean> => {
      const asGroups: Group[] = shard.groups.map(({ group, units }) => ({ ...group, units }));
      const { found, missing } = await lookupResults(this.redis, this.queueName, asGroups);
      for (const f of found) deliver(f.unit, f.outcome);
      if (missing.length === 0) return true;
      stats.readded++;
      notice("queue: Redis lost a shard in flight; enqueued it again");
      retry.unshift(...packShards(missing, limits()));
      repump();
      return false;
    };
    const onEvent = (jobId: string, ev: JobEvent) => {
      const entry = settle(jobId);
      if (!entry) return;
      const { shard } = entry;
      if (ev.kind === "completed") {
        const r = ev.value as ShardResult | undefined;
        if (!r || "skipped" in r) {
          // Our run key had lapsed (e.g. Redis lost it): renew it and send the shard again.
          stats.readded++;
          void this.redis.set(runKey, "1", "PX", RUN_TTL_MS).catch(() => {});
          retry.unshift(shard);
        } else {
          stats.completed++;
          stats.workerMs += r.ms;
          const per = r.ms / Math.max(1, shard.pairs);
          msPerPair = msPerPair === undefined ? per : 0.7 * msPerPair + 0.3 * per;
          stats.shardPairs = limits().maxPairs;
          if ("stored" in r) fromStore(shard).catch((e: unknown) => ch.fail(e));
          else
            shard.groups.forEach(({ units }, gi) => {
              units.forEach((u, ui) => {
                const out = r.outcomes[gi]?.[ui];
                deliver(u, out ?? { verdict: "crash", passed: false, stderr: "crash: no result" });
              });
            });
        }
      } else if (shard.groups.length > 1) {
        // One solution may be the poison: retry the shard's solutions one per shard.
        stats.split++;
        notice(
          `queue: a shard failed (${ev.reason}); retrying its ${shard.groups.length} solutions one per shard`,
        );
        retry.unshift(...shard.groups.map((g) => ({ groups: [g], pairs: g.units.length, bytes: 0 })));
      } else {
        stats.failed++;
        const stderr = describeFailure(ev.reason);
        notice(`queue: ${shard.pairs} pairs of one solution end as crash: ${ev.reason}`);
        for (const u of shard.groups[0]!.units) deliver(u, { verdict: "crash", passed: false, stderr });
      }
      repump();
    };

    /** Shards older than a tick: ask BullMQ (and the store) what became of them. */
    const reconcile = async () => {
      const now = Date.now();
      const old = [...outstanding].filter(([, e]) => now - e.since > (o.reconcileMs ?? 5000)).slice(0, 64);
      for (const [jobId, entry] of old) {
        if (!outstanding.has(jobId)) continue;
        const state = await this.queue.getJobState(jobId);
        if (state === "completed" || state === "failed") {
          const job = await Job.fromId<ShardData, ShardResult>(this.queue, jobId);
          if (job) {
            onEvent(
              jobId,
              state === "completed"
                ? { kind: "completed", value: job.returnvalue }
                : { kind: "failed", reason: job.failedReason },
            );
            continue;
          }
        } else if (state !== "unknown") {
          entry.since = now;
          continue;
        }
        // Gone from Redis: removed after completing (its event missed) or lost. The store knows which.
        if (!outstanding.has(jobId)) continue;
        settle(jobId);
        await fromStore(entry.shard);
      }
      repump();
    };

    const refreshWorkers = async () => {
      const live = await liveWorkers(this.redis, this.queueName);
      const s = live.reduce((a, w) => a + w.slots, 0);
      if (live.length !== workerCount) {
        if (live.length === 0)
          notice(
            `queue: no worker is connected to '${this.queueName}' at ${this.target.shown}; start one with: coderm worker --redis ${this.target.shown}${this.queueName === DEFAULT_QUEUE ? "" : ` --queue ${this.queueName}`}`,
          );
        else {
          const strong = live.filter((w) => w.isolation === "strong").length;
          notice(
            `queue: ${live.length} worker${live.length === 1 ? "" : "s"} (${s} slots) on '${this.queueName}' at ${this.target.shown}; isolation strong on ${strong}/${live.length}`,
          );
        }
      }
      workerCount = live.length;
      slots = s;
      this.slots = s;
    };

    let ticking = false;
    const tick = async () => {
      if (ticking) return;
      ticking = true;
      try {
        if (this.downSince !== undefined && Date.now() - this.downSince > (o.outageMs ?? 60_000))
          throw new CodermError(
            "E_QUEUE",
            `Redis has been unreachable for ${Math.round((Date.now() - this.downSince) / 1000)} s; stopped after ${done}/${total} pairs. Rerun the same command to resume`,
            `${o.flag ?? "--queue"} ${this.target.shown}`,
          );
        await this.redis.set(runKey, "1", "PX", RUN_TTL_MS);
        await refreshWorkers();
        await reconcile();
      } catch (e) {
        ch.fail(e);
      } finally {
        ticking = false;
      }
    };

    const onAbort = () => ch.fail(new CodermError("E_INTERRUPTED", `stopped after ${done}/${total} pairs`));
    signal?.addEventListener("abort", onAbort, { once: true });
    if (signal?.aborted) onAbort();
    const timer = setInterval(() => void tick(), Math.min(o.reconcileMs ?? 5000, RUN_TTL_MS / 3));
    try {
      await this.redis.set(runKey, "1", "PX", RUN_TTL_MS);
      await refreshWorkers();
      let todo = groups;
      if (o.reuse !== false) {
        const { found, missing } = await lookupResults(this.redis, this.queueName, groups);
        stats.reused = found.length;
        for (const f of found) deliver(f.unit, f.outcome);
        todo = missing;
      }
      packer = new ShardPacker(todo);
      repump();
      for (;;) {
        const item = await ch.next();
        if (item === END) break;
        yield item;
      }
    } finally {
      clearInterval(timer);
      signal?.removeEventListener("abort", onAbort);
      for (const id of outstanding.keys()) this.handlers.delete(id);
      retry.length = 0;
      packer = new ShardPacker([]);
      if (!this.closed) {
        // Workers skip shards of a run whose key is gone; drop the ones still waiting outright.
        await this.redis.del(runKey).catch(() => {});
        if (outstanding.size > 0)
          await Promise.allSettled([...outstanding.keys()].map((id) => this.queue.remove(id)));
      }
    }
  }

  /** Sandbox slots of the workers seen last (at connect, then during runs): how much work fits at once. */
  get concurrency(): number {
    return Math.max(1, this.slots);
  }

  /** Nothing runs here to kill: drop the connections (shards in flight finish on their workers). */
  kill(): void {
    this.closed = true;
    this.redis.disconnect();
    void this.events.close().catch(() => {});
    void this.queue.close().catch(() => {});
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([this.events.close(), this.queue.close()]);
    this.redis.disconnect();
  }
}

async function liveWorkers(redis: Redis, queue: string): Promise<WorkerInfo[]> {
  const all = await redis.hgetall(keys.workers(queue));
  const now = Date.now();
  const live: WorkerInfo[] = [];
  const dead: string[] = [];
  for (const [name, v] of Object.entries(all)) {
    try {
      const w = JSON.parse(v) as WorkerInfo;
      if (now - w.seen < LIVE_MS) live.push(w);
      else if (now - w.seen > 60_000) dead.push(name);
    } catch {
      dead.push(name);
    }
  }
  if (dead.length > 0) await redis.hdel(keys.workers(queue), ...dead);
  return live;
}

/** The seam's isolation report: strong only when every live worker's is; details are on each worker. */
function isolationOf(live: WorkerInfo[]): IsolationReport | undefined {
  if (live.length === 0) return undefined;
  const weak = live.filter((w) => w.isolation !== "strong");
  return {
    level: weak.length === 0 ? "strong" : "weak",
    layers: {
      workers: {
        ok: weak.length === 0,
        why:
          weak.length === 0
            ? `${live.length} queue workers, each reporting strong isolation`
            : `weak on ${weak.map((w) => w.name).join(", ")}`,
      },
    },
    python: "(on the workers)",
  };
}
