/**
 * A queue worker: a BullMQ `Worker` that pulls shards from Redis, runs them in this machine's own
 * `Sandbox`, stores each outcome by content and returns the shard's outcomes as the job's result. It
 * shares nothing with the producer but Redis. BullMQ gives the delivery semantics: a job's lock is
 * renewed while its shard runs, a worker that dies lets the lock lapse and another worker's stalled
 * check puts the shard back (after `maxStalls` deaths it fails with BullMQ's reason), and `close()`
 * finishes the shards in hand and takes no new one.
 */
import { availableParallelism, hostname } from "node:os";
import { type Job, UnrecoverableError, WaitingError, Worker } from "bullmq";
import { Redis } from "ioredis";
import { Sandbox } from "../sandbox/index.js";
import type { IsolationReport, PairExecutor, PairInput, SandboxOptions } from "../sandbox/types.js";
import { Semaphore } from "../util/semaphore.js";
import { VERSION } from "../version.js";
import { DEFAULT_QUEUE, durableOptions, keys, openTarget, PREFIX, type RedisTarget } from "./redis.js";
import { DEFAULT_RESULT_TTL_S, writeResults } from "./results.js";
import {
  groupKey,
  INLINE_RESULT_BYTES,
  type Profile,
  pairFromBody,
  profileKey,
  profileOf,
  type ShardData,
  type ShardResult,
  type StoredOutcome,
  testField,
} from "./shards.js";

/** What a worker publishes about itself (`~workers` hash), for producers' displays and in-flight window. */
export interface WorkerInfo {
  name: string;
  host: string;
  pid: number;
  slots: number;
  isolation: IsolationReport["level"];
  version: string;
  started: number;
  seen: number;
  shards: number;
  pairs: number;
}

export const HEARTBEAT_MS = 5000;

/** Shard start counts outlive any run's shards (BullMQ keeps failed jobs an hour too). */
const STARTS_TTL_MS = 3_600_000;

/** What runs a shard's pairs: the local `Sandbox` by default. */
export type ShardRunner = PairExecutor & { readonly isolation: IsolationReport; kill(): void };

export interface ShardWorkerOptions {
  redis: string | RedisTarget;
  /** Queue name (default "coderm"). */
  queue?: string;
  /** Shards at once, and sandbox processes per limits profile (default: CPUs). */
  concurrency?: number;
  /**
   * Shards taken beyond `concurrency` (default 1): each waits, already fetched, for a free sandbox slot, so
   * the sandbox does not sit idle while a finished shard's results are stored and the next one is fetched
   * (Redis round trips, longer across machines). 0 takes a shard only when a slot is free.
   */
  prefetch?: number;
  /** Sandbox settings of this machine (isolation, interpreter, resource limits). Verdict settings come with each shard. */
  sandbox?: Pick<
    SandboxOptions,
    "requireIsolation" | "bwrap" | "python" | "addressSpace" | "nproc" | "fileSize" | "batchSize"
  >;
  /**
   * Start the runner for a limits profile with `slots` processes (default: `Sandbox.start`). A worker keeps
   * one per profile it has seen; benchmarks pass a runner that executes nothing, to time the queue alone.
   */
  runner?: (profile: Profile, slots: number) => Promise<ShardRunner>;
  /** BullMQ lock: a dead worker's shard goes back after about lockMs + stalledIntervalMs (defaults 30 s, 15 s). */
  lockMs?: number;
  stalledIntervalMs?: number;
  /** A shard whose worker died this many times fails (default 2). Give every worker the same value. */
  maxStalls?: number;
  /** Keep stored results this long (seconds, default 7 days). */
  resultTtlSeconds?: number;
  /** Worker name stored on each job it processes (default host:pid). */
  name?: string;
  /** One line per event (start, shards when verbose, Redis outages). */
  log?: (line: string) => void;
  verbose?: boolean;
}

export class ShardWorker {
  private readonly sandboxes = new Map<string, Promise<ShardRunner>>();
  private heartbeat: NodeJS.Timeout | undefined;
  private closing: Promise<void> | undefined;
  private down = false;
  /** Sandbox slots: a prefetched shard waits here, so its reported time is execution, not waiting. */
  private readonly slotsFree: Semaphore;
  /** Aborted by close(): prefetched shards still waiting for a slot go back to the queue. */
  private readonly stopWaiting = new AbortController();
  private executing = 0;
  readonly stats = { shards: 0, pairs: 0, skipped: 0 };
  private readonly started = Date.now();

  private constructor(
    readonly name: string,
    readonly queue: string,
    readonly isolation: IsolationReport,
    private readonly opts: ShardWorkerOptions & {
      concurrency: number;
      runner: (profile: Profile, slots: number) => Promise<ShardRunner>;
    },
    private readonly redis: Redis,
    private readonly log: (line: string) => void,
    defaultSandbox: ShardRunner,
    private bull?: Worker<ShardData, ShardResult>,
  ) {
    this.slotsFree = new Semaphore(opts.concurrency);
    this.sandboxes.set(profileKey(profileOf()), Promise.resolve(defaultSandbox));
    this.started_.push(defaultSandbox);
  }

  /** Sandboxes that have started, for a synchronous kill. */
  private readonly started_: ShardRunner[] = [];

  get slots(): number {
    return this.opts.concurrency;
  }

  /** Check Redis, start the sandbox, then start taking shards. */
  static async start(options: ShardWorkerOptions): Promise<ShardWorker> {
    const target = await openTarget(options.redis, "--redis");
    const queue = options.queue ?? DEFAULT_QUEUE;
    const concurrency = options.concurrency ?? Math.max(1, availableParallelism());
    const log = options.log ?? (() => {});
    const name = options.name ?? `${hostname()}:${process.pid}`;
    const runner =
      options.runner ?? ((p: Profile, k: number) => Sandbox.start({ ...options.sandbox, ...p, workers: k }));
    const sb = await runner(profileOf(), concurrency);
    const redis = new Redis(durableOptions(target));
    const w = new ShardWorker(name, queue, sb.isolation, { ...options, concurrency, runner }, redis, log, sb);
    redis.on("error", () => {}); // outages are reported once by the close/ready pair below
    redis.on("close", () => {
      if (!w.down && !w.closing) log(`worker: lost Redis at ${target.shown}; reconnecting`);
      w.down = true;
    });
    redis.on("ready", () => {
      if (w.down) log("worker: Redis is back");
      w.down = false;
    });
    const maxStalls = options.maxStalls ?? 2;
    w.bull = new Worker<ShardData, ShardResult>(queue, (job, token) => w.runShard(job, token), {
      connection: durableOptions(target),
      prefix: PREFIX,
      concurrency: concurrency + (options.prefetch ?? 1),
      name,
      lockDuration: options.lockMs ?? 30_000,
      stalledInterval: options.stalledIntervalMs ?? 15_000,
      // BullMQ fails a job once it stalled more than maxStalledCount times.
      maxStalledCount: Math.max(0, maxStalls - 1),
    });
    w.bull.on("error", () => {}); // connection errors: see the close/ready lines; the worker retries forever
    await w.beat();
    w.heartbeat = setInterval(() => void w.beat().catch(() => {}), HEARTBEAT_MS);
    w.heartbeat.unref();
    return w;
  }

  private info(): WorkerInfo {
    return {
      name: this.name,
      host: hostname(),
      pid: process.pid,
      slots: this.opts.concurrency,
      isolation: this.isolation.level,
      version: VERSION,
      started: this.started,
      seen: Date.now(),
      shards: this.stats.shards,
      pairs: this.stats.pairs,
    };
  }

  private async beat(): Promise<void> {
    if (this.closing) return;
    await this.redis.hset(keys.workers(this.queue), this.name, JSON.stringify(this.info()));
  }

  private sandboxFor(p: Profile): Promise<ShardRunner> {
    const k = profileKey(p);
    let sb = this.sandboxes.get(k);
    if (!sb) {
      // Another producer's limits: a second warm pool, kept while this worker runs (few profiles in practice).
      sb = this.opts.runner(p, this.opts.concurrency);
      this.sandboxes.set(k, sb);
      sb.then((s) => this.started_.push(s)).catch(() => {});
      sb.catch(() => this.sandboxes.delete(k));
    }
    return sb;
  }

  private async runShard(job: Job<ShardData, ShardResult>, token?: string): Promise<ShardResult> {
    const d = job.data;
    if (d?.v !== 1)
      throw new UnrecoverableError(
        `shard format ${String(d?.v)} is not one this worker (coderm ${VERSION}) reads`,
      );
    if (!(await this.redis.exists(keys.run(this.queue, d.run)))) {
      this.stats.skipped++;
      return { v: 1, skipped: "its producer is gone (stopped or killed)" };
    }
    if (!(await this.slotsFree.acquire(this.stopWaiting.signal))) {
      // Stopping before a slot came free: the shard was only fetched ahead; another worker takes it.
      await job.moveToWait(token);
      throw new WaitingError();
    }
    // Counted so a producer can tell a shard that died running from one that only sat fetched ahead on a
    // worker killed by another shard. Not awaited: a count lost with a worker dying in its first
    // millisecond costs that shard one more try, never a wrong verdict.
    const starts = keys.starts(this.queue, d.run);
    this.redis
      .multi()
      .hincrby(starts, job.id ?? "", 1)
      .pexpire(starts, STARTS_TTL_MS)
      .exec()
      .catch(() => {});
    const t0 = performance.now();
    this.executing++;
    let outcomes: StoredOutcome[][];
    try {
      outcomes = await this.runPairs(job.id, d);
    } finally {
      // Storing the results needs no sandbox slot: the next (prefetched) shard starts now.
      this.executing--;
      this.slotsFree.release();
    }
    return this.store(job.id, d, outcomes, t0);
  }

  /** A shard's pairs through this machine's sandbox, as outcomes per group and test. */
  private async runPairs(id: string | undefined, d: ShardData): Promise<StoredOutcome[][]> {
    const sb = await this.sandboxFor(d.profile);
    const pairs: PairInput[] = [];
    d.groups.forEach((g, gi) => {
      g.tests.forEach((t, ti) => {
        pairs.push(pairFromBody(`${gi}\t${ti}`, g.format, g.solution, d.tests[t]!));
      });
    });
    if (this.opts.verbose) this.log(`worker: shard ${id} started: ${pairs.length} pairs`);
    const outcomes: StoredOutcome[][] = d.groups.map((g) => new Array(g.tests.length));
    for await (const o of sb.run(pairs)) {
      const [gi, ti] = o.id.split("\t").map(Number) as [number, number];
      const { id: _id, ...rest } = o;
      outcomes[gi]![ti] = rest;
    }
    for (const row of outcomes)
      for (let i = 0; i < row.length; i++)
        row[i] ??= { verdict: "crash", passed: false, stderr: "crash: the sandbox gave no result" };
    return outcomes;
  }

  /** Store a shard's outcomes under their content keys, then answer the job (inline when small). */
  private async store(
    id: string | undefined,
    d: ShardData,
    outcomes: StoredOutcome[][],
    t0: number,
  ): Promise<ShardResult> {
    const pk = profileKey(d.profile);
    await writeResults(
      this.redis,
      this.queue,
      d.groups.map((g, gi) => ({
        key: groupKey(pk, g.format, g.solution),
        fields: g.tests.map((t) => testField(d.tests[t]!)),
        outcomes: outcomes[gi]!,
      })),
      this.opts.resultTtlSeconds ?? DEFAULT_RESULT_TTL_S,
    );
    this.stats.shards++;
    this.stats.pairs += outcomes.reduce((n, row) => n + row.length, 0);
    const ms = Math.round(performance.now() - t0);
    if (this.opts.verbose) this.log(`worker: shard ${id} done in ${ms} ms`);
    const inline = JSON.stringify(outcomes).length <= INLINE_RESULT_BYTES;
    return inline ? { v: 1, ms, worker: this.name, outcomes } : { v: 1, ms, worker: this.name, stored: true };
  }

  /** Shards executing now (not those fetched ahead and waiting for a slot). */
  get active(): number {
    return this.executing;
  }

  /** Stop now (e.g. a second SIGTERM): kill the sandboxes; the shards in hand stall and go back. */
  kill(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    for (const s of this.started_) s.kill();
    this.redis.disconnect();
  }

  /** Finish the shards in hand, take no new one, then stop the sandboxes. `force` drops them (they stall and go back). */
  close(force = false): Promise<void> {
    if (this.closing && !force) return this.closing;
    const run = async () => {
      if (this.heartbeat) clearInterval(this.heartbeat);
      this.stopWaiting.abort();
      await this.redis.hdel(keys.workers(this.queue), this.name).catch(() => {});
      await this.bull?.close(force);
      const sbs = await Promise.allSettled(this.sandboxes.values());
      for (const s of sbs) if (s.status === "fulfilled") force ? s.value.kill() : await s.value.close();
      this.redis.disconnect();
    };
    this.closing = run();
    return this.closing;
  }
}

/** Workers not seen for this long are not counted. */
const LIVE_MS = 4 * HEARTBEAT_MS;

/** Workers that sent a heartbeat recently; entries silent for a minute are removed. */
export async function liveWorkers(redis: Redis, queue: string): Promise<WorkerInfo[]> {
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
