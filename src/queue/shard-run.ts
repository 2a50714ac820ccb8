/**
 * One `QueueExecutor.run()`: its shards from cutting to delivery. It keeps the window of shards in flight
 * (backpressure), learns the shard size from completed shards, takes completion events (or asks BullMQ and
 * the result store when an event may have been missed), splits a failed shard into one shard per solution
 * and ends a poison solution as `crash` verdicts, and keeps its run key alive so workers run its shards.
 */
import { randomBytes } from "node:crypto";
import { Job, type Queue } from "bullmq";
import type { Redis } from "ioredis";
import { CodermError } from "../errors.js";
import type { PairInput, PairOutcome } from "../sandbox/types.js";
import { Channel, END } from "./_channel.js";
import type { QueueExecutorOptions, QueueRunStats } from "./producer.js";
import { DEFAULT_QUEUE, keys, type RedisTarget } from "./redis.js";
import { lookupResults } from "./results.js";
import {
  DEFAULT_SHARD_LIMITS,
  type Group,
  groupPairs,
  type PlannedShard,
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
import { liveWorkers } from "./worker.js";

export type JobEvent = { kind: "completed"; value: unknown } | { kind: "failed"; reason: string };

/** What a run uses of its executor: the connections, the options, and the executor's shared state. */
export interface ShardRunHost {
  readonly target: RedisTarget;
  readonly queueName: string;
  readonly opts: QueueExecutorOptions;
  readonly redis: Redis;
  readonly queue: Queue<ShardData, ShardResult>;
  /** Completion events by job id (the executor's one QueueEvents stream dispatches them). */
  readonly handlers: Map<string, (e: JobEvent) => void>;
  isClosed(): boolean;
  /** Since when Redis has been unreachable, if it is. */
  downSince(): number | undefined;
  /** The live workers' slots, as last seen. */
  setSlots(slots: number): void;
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

const RUN_TTL_MS = 30_000;

const STALLED = /stalled more than allowable limit/;
/** Times a shard lost only beside others is sent again before its deaths count as its own. */
const MAX_LOST_BESIDE = 2;

function describeFailure(reason: string): string {
  if (STALLED.test(reason))
    return `crash: every queue worker that ran this solution died before finishing it (BullMQ: ${reason})`;
  return `crash: the queue worker failed this shard: ${reason}`.slice(0, 2000);
}

export class ShardRun {
  readonly stats: QueueRunStats;
  readonly total: number;
  private readonly groups: Group[];
  private readonly profile: ReturnType<typeof profileOf>;
  private readonly runId = randomBytes(6).toString("hex");
  private readonly runKey: string;
  private readonly ch = new Channel<PairOutcome>();
  private readonly delivered = new Set<Unit>();
  private done = 0;
  /** Worker milliseconds per pair, a moving average over completed shards. */
  private msPerPair: number | undefined;
  /** Shards to send again (split, lost, skipped) go first; fresh ones are cut at the size wanted now. */
  private readonly retry: PlannedShard[] = [];
  /** Shards sent again because their worker died running something else (see onStalledOut). */
  private readonly lostBeside = new WeakMap<PlannedShard, number>();
  private packer = new ShardPacker([]);
  private readonly outstanding = new Map<string, { shard: PlannedShard; since: number }>();
  private seq = 0;
  private slots = 0;
  private workerCount = -1;
  private pumping = false;
  private ticking = false;

  constructor(
    private readonly host: ShardRunHost,
    pairs: Iterable<PairInput>,
  ) {
    const o = host.opts;
    this.profile = profileOf(o);
    const { groups, total } = groupPairs(pairs, profileKey(this.profile));
    this.groups = groups;
    this.total = total;
    this.runKey = keys.run(host.queueName, this.runId);
    this.stats = {
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
  }

  /** Every pair's outcome as its shard completes; stopping early (or `signal`) drops this run's shards. */
  async *outcomes(signal?: AbortSignal): AsyncGenerator<PairOutcome> {
    const { host } = this;
    const onAbort = () =>
      this.ch.fail(new CodermError("E_INTERRUPTED", `stopped after ${this.done}/${this.total} pairs`));
    signal?.addEventListener("abort", onAbort, { once: true });
    if (signal?.aborted) onAbort();
    const reconcileMs = host.opts.reconcileMs ?? 5000;
    const timer = setInterval(() => void this.tick(), Math.min(reconcileMs, RUN_TTL_MS / 3));
    try {
      await host.redis.set(this.runKey, "1", "PX", RUN_TTL_MS);
      await this.refreshWorkers();
      let todo = this.groups;
      if (host.opts.reuse !== false) {
        const { found, missing } = await lookupResults(host.redis, host.queueName, this.groups);
        this.stats.reused = found.length;
        for (const f of found) this.deliver(f.unit, f.outcome);
        todo = missing;
      }
      this.packer = new ShardPacker(todo);
      this.repump();
      for (;;) {
        const item = await this.ch.next();
        if (item === END) break;
        yield item;
      }
    } finally {
      clearInterval(timer);
      signal?.removeEventListener("abort", onAbort);
      for (const id of this.outstanding.keys()) host.handlers.delete(id);
      this.retry.length = 0;
      this.packer = new ShardPacker([]);
      if (!host.isClosed()) {
        // Workers skip shards of a run whose key is gone; drop the ones still waiting outright.
        await host.redis.del(this.runKey, keys.starts(host.queueName, this.runId)).catch(() => {});
        if (this.outstanding.size > 0)
          await Promise.allSettled([...this.outstanding.keys()].map((id) => host.queue.remove(id)));
      }
    }
  }

  private deliver(u: Unit, out: StoredOutcome): void {
    if (this.delivered.has(u)) return;
    this.delivered.add(u);
    for (const id of u.ids) {
      this.ch.push({ id, ...out });
      this.done++;
    }
    this.host.opts.onProgress?.(this.done, this.total);
    if (this.done === this.total) this.ch.end();
  }

  private notice(line: string): void {
    this.host.opts.onNotice?.(line);
  }

  private limits(): ShardLimits {
    const s = this.host.opts.shard;
    const targetMs = s?.targetMs ?? 2000;
    const learned =
      this.msPerPair === undefined
        ? FIRST_SHARD_PAIRS
        : Math.round(Math.min(MAX_SHARD_PAIRS, Math.max(MIN_SHARD_PAIRS, targetMs / this.msPerPair)));
    return { maxPairs: s?.maxPairs ?? learned, maxBytes: s?.maxBytes ?? DEFAULT_SHARD_LIMITS.maxBytes };
  }

  private hasPending(): boolean {
    return this.retry.length > 0 || !this.packer.done;
  }

  private nextShard(): PlannedShard | undefined {
    const again = this.retry.shift();
    if (again) return again;
    const fresh = this.packer.next(this.limits());
    if (fresh) this.stats.shards++;
    return fresh;
  }

  private window(): number {
    return this.host.opts.inFlight ?? Math.min(4096, Math.max(4, 2 * this.slots));
  }

  /** Add shards until the window is full (in batches: one round trip for up to 500 jobs). */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    const { host } = this;
    try {
      while (this.hasPending() && this.outstanding.size < this.window() && !host.isClosed()) {
        const batch: PlannedShard[] = [];
        for (let n = Math.min(500, this.window() - this.outstanding.size); n > 0; n--) {
          const sh = this.nextShard();
          if (!sh) break;
          batch.push(sh);
        }
        const ids: string[] = [];
        const jobs = batch.map((shard) => {
          const jobId = `${this.runId}-${++this.seq}`;
          ids.push(jobId);
          this.outstanding.set(jobId, { shard, since: Number.POSITIVE_INFINITY });
          host.handlers.set(jobId, (e) => this.onEvent(jobId, e));
          return {
            name: "shard",
            data: shardData(shard, this.runId, this.profile),
            opts: { jobId, ...JOB_OPTS },
          };
        });
        await host.queue.addBulk(jobs);
        this.stats.enqueued += jobs.length;
        const now = Date.now();
        for (const id of ids) {
          const e = this.outstanding.get(id);
          if (e) e.since = now;
        }
      }
    } finally {
      this.pumping = false;
    }
  }

  private repump(): void {
    void this.pump().catch((e: unknown) => this.ch.fail(e));
  }

  private settle(jobId: string) {
    const e = this.outstanding.get(jobId);
    this.outstanding.delete(jobId);
    this.host.handlers.delete(jobId);
    return e;
  }

  /** Deliver a shard's outcomes from the result store; what is missing there is sent again. */
  private async fromStore(shard: PlannedShard): Promise<boolean> {
    const asGroups: Group[] = shard.groups.map(({ group, units }) => ({ ...group, units }));
    const { found, missing } = await lookupResults(this.host.redis, this.host.queueName, asGroups);
    for (const f of found) this.deliver(f.unit, f.outcome);
    if (missing.length === 0) return true;
    this.stats.readded++;
    this.notice("queue: Redis lost a shard in flight; enqueued it again");
    this.retry.unshift(...packShards(missing, this.limits()));
    this.repump();
    return false;
  }

  private onEvent(jobId: string, ev: JobEvent): void {
    const entry = this.settle(jobId);
    if (!entry) return;
    const { shard } = entry;
    if (ev.kind === "completed") this.onCompleted(shard, ev.value as ShardResult | undefined);
    else if (STALLED.test(ev.reason) && (this.lostBeside.get(shard) ?? 0) < MAX_LOST_BESIDE) {
      this.onStalledOut(jobId, shard, ev.reason).catch((e: unknown) => this.ch.fail(e));
      return;
    } else this.onFailed(shard, ev.reason);
    this.repump();
  }

  /**
   * A shard failed for stalling. A worker also holds the shard it fetched ahead, so a shard can be lost
   * with workers killed by another shard (a poison one); only deaths while it ran count against it.
   */
  private async onStalledOut(jobId: string, shard: PlannedShard, reason: string): Promise<void> {
    const { host } = this;
    const [started, job] = await Promise.all([
      host.redis.hget(keys.starts(host.queueName, this.runId), jobId),
      Job.fromId<ShardData, ShardResult>(host.queue, jobId),
    ]);
    const deaths = job?.stalledCounter ?? 0;
    if (Number(started ?? 0) < deaths) {
      this.lostBeside.set(shard, (this.lostBeside.get(shard) ?? 0) + 1);
      this.stats.readded++;
      this.notice(
        `queue: a shard stalled out, but in ${deaths - Number(started ?? 0)} of its ${deaths} worker deaths it was only fetched ahead, not running; enqueued it again`,
      );
      this.retry.unshift(shard);
    } else this.onFailed(shard, reason);
    this.repump();
  }

  private onFailed(shard: PlannedShard, reason: string): void {
    if (shard.groups.length > 1) {
      // One solution may be the poison: retry the shard's solutions one per shard.
      this.stats.split++;
      this.notice(
        `queue: a shard failed (${reason}); retrying its ${shard.groups.length} solutions one per shard`,
      );
      this.retry.unshift(...shard.groups.map((g) => ({ groups: [g], pairs: g.units.length, bytes: 0 })));
    } else {
      this.stats.failed++;
      const stderr = describeFailure(reason);
      this.notice(`queue: ${shard.pairs} pairs of one solution end as crash: ${reason}`);
      for (const u of shard.groups[0]!.units) this.deliver(u, { verdict: "crash", passed: false, stderr });
    }
  }

  private onCompleted(shard: PlannedShard, r: ShardResult | undefined): void {
    if (!r || "skipped" in r) {
      // Our run key had lapsed (e.g. Redis lost it): renew it and send the shard again.
      this.stats.readded++;
      void this.host.redis.set(this.runKey, "1", "PX", RUN_TTL_MS).catch(() => {});
      this.retry.unshift(shard);
      return;
    }
    this.stats.completed++;
    this.stats.workerMs += r.ms;
    const per = r.ms / Math.max(1, shard.pairs);
    this.msPerPair = this.msPerPair === undefined ? per : 0.7 * this.msPerPair + 0.3 * per;
    this.stats.shardPairs = this.limits().maxPairs;
    if ("stored" in r) {
      this.fromStore(shard).catch((e: unknown) => this.ch.fail(e));
      return;
    }
    shard.groups.forEach(({ units }, gi) => {
      units.forEach((u, ui) => {
        const out = r.outcomes[gi]?.[ui];
        this.deliver(u, out ?? { verdict: "crash", passed: false, stderr: "crash: no result" });
      });
    });
  }

  /** Shards older than a tick: ask BullMQ (and the store) what became of them. */
  private async reconcile(): Promise<void> {
    const { host } = this;
    const now = Date.now();
    const old = [...this.outstanding]
      .filter(([, e]) => now - e.since > (host.opts.reconcileMs ?? 5000))
      .slice(0, 64);
    for (const [jobId, entry] of old) {
      if (!this.outstanding.has(jobId)) continue;
      const state = await host.queue.getJobState(jobId);
      if (state === "completed" || state === "failed") {
        const job = await Job.fromId<ShardData, ShardResult>(host.queue, jobId);
        if (job) {
          this.onEvent(
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
      if (!this.outstanding.has(jobId)) continue;
      this.settle(jobId);
      await this.fromStore(entry.shard);
    }
    this.repump();
  }

  private async refreshWorkers(): Promise<void> {
    const { host } = this;
    const live = await liveWorkers(host.redis, host.queueName);
    const s = live.reduce((a, w) => a + w.slots, 0);
    if (live.length !== this.workerCount) {
      const at = `'${host.queueName}' at ${host.target.shown}`;
      if (live.length === 0)
        this.notice(
          `queue: no worker is connected to ${at}; start one with: coderm worker --redis ${host.target.shown}${host.queueName === DEFAULT_QUEUE ? "" : ` --queue ${host.queueName}`}`,
        );
      else {
        const strong = live.filter((w) => w.isolation === "strong").length;
        this.notice(
          `queue: ${live.length} worker${live.length === 1 ? "" : "s"} (${s} slots) on ${at}; isolation strong on ${strong}/${live.length}`,
        );
      }
    }
    this.workerCount = live.length;
    this.slots = s;
    host.setSlots(s);
  }

  private async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    const { host } = this;
    try {
      const down = host.downSince();
      if (down !== undefined && Date.now() - down > (host.opts.outageMs ?? 60_000))
        throw new CodermError(
          "E_QUEUE",
          `Redis has been unreachable for ${Math.round((Date.now() - down) / 1000)} s; stopped after ${this.done}/${this.total} pairs. Rerun the same command to resume`,
          `${host.opts.flag ?? "--queue"} ${host.target.shown}`,
        );
      await host.redis.set(this.runKey, "1", "PX", RUN_TTL_MS);
      await this.refreshWorkers();
      await this.reconcile();
    } catch (e) {
      this.ch.fail(e);
    } finally {
      this.ticking = false;
    }
  }
}
