/**
 * `QueueExecutor`: the PairExecutor that runs pairs on many machines through BullMQ on Redis. It dedupes
 * and groups pairs into coarse shards, takes every result already in Redis's content-keyed store (so a
 * rerun enqueues only what is missing), keeps at most a window of shards in flight (backpressure), and
 * streams outcomes as shards complete on any worker.
 *
 * What can go wrong and what happens:
 * - a worker dies mid-shard: BullMQ's stalled check puts the shard back; after the workers' maxStalls it
 *   fails, and the producer retries its solutions one per shard, so one poison solution ends as `crash`
 *   verdicts for its own pairs only; a shard that was only fetched ahead on a worker another shard killed
 *   (workers count each shard's starts) is sent again, at most twice, rather than failed with it;
 * - a shard runs twice (a stalled worker that was only slow): both runs store the same fields, and each
 *   pair is delivered once;
 * - a completion event is missed (Redis restart, stream trimmed): a periodic check asks BullMQ for the
 *   job's state and the store for its results, and re-enqueues a shard Redis lost;
 * - Redis stays unreachable longer than `outageMs`: the run fails with one line; results already stored
 *   survive in Redis (with persistence) and in the caller's output, so a rerun resumes;
 * - the caller aborts or stops iterating: the run key is deleted, so workers skip this run's queued shards.
 */
import { Queue, QueueEvents } from "bullmq";
import { Redis } from "ioredis";
import { CodermError } from "../errors.js";
import type { IsolationReport, PairExecutor, PairInput, PairOutcome } from "../sandbox/types.js";
import { DEFAULT_QUEUE, durableOptions, openTarget, PREFIX, type RedisTarget } from "./redis.js";
import { type JobEvent, ShardRun, type ShardRunHost } from "./shard-run.js";
import type { ProfileOptions, ShardData, ShardLimits, ShardResult } from "./shards.js";
import { liveWorkers, type WorkerInfo } from "./worker.js";

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
    const host: ShardRunHost = {
      target: this.target,
      queueName: this.queueName,
      opts: this.opts,
      redis: this.redis,
      queue: this.queue,
      handlers: this.handlers,
      isClosed: () => this.closed,
      downSince: () => this.downSince,
      setSlots: (n) => {
        this.slots = n;
      },
    };
    const run = new ShardRun(host, pairs);
    this.lastStats = run.stats;
    if (run.total === 0) return;
    yield* run.outcomes(runOpts.signal);
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
