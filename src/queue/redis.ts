/**
 * Redis for the queue: the URL, the connection settings BullMQ's production guide asks for, our own key
 * names beside BullMQ's, and a preflight that turns an unreachable or misconfigured Redis into one line.
 */
import { Redis, type RedisOptions } from "ioredis";
import { CodermError } from "../errors.js";

export const DEFAULT_QUEUE = "coderm";
/** BullMQ's key prefix: every key of queue Q starts with `coderm:Q:`. */
export const PREFIX = "coderm";

/** Our keys (BullMQ's are `coderm:Q:wait`, `coderm:Q:<jobId>`…; ours start with `~`, which no job id of ours does). */
export const keys = {
  result: (q: string, group: string) => `${PREFIX}:${q}:~res:${group}`,
  workers: (q: string) => `${PREFIX}:${q}:~workers`,
  run: (q: string, run: string) => `${PREFIX}:${q}:~run:${run}`,
  /** How many times each of a run's shards began executing (a hash: job id → count). */
  starts: (q: string, run: string) => `${PREFIX}:${q}:~starts:${run}`,
};

/** Checked connection settings for one Redis URL. */
export interface RedisTarget {
  url: string;
  /** The URL with the password masked, for messages. */
  shown: string;
  options: RedisOptions;
}

/** Parse `redis://[user:password@]host[:port][/db]` (or `rediss://` for TLS); `flag` names the source in errors. */
export function redisTarget(url: string, flag = "--queue"): RedisTarget {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new CodermError("E_BAD_INPUT", `not a Redis URL: "${url}" (expected redis://host:port)`, flag);
  }
  if (u.protocol !== "redis:" && u.protocol !== "rediss:")
    throw new CodermError("E_BAD_INPUT", `not a Redis URL: "${url}" (expected redis://host:port)`, flag);
  const db = u.pathname.replace(/^\//, "");
  if (db !== "" && !/^\d+$/.test(db))
    throw new CodermError("E_BAD_INPUT", `the database in "${url}" must be a number`, flag);
  const shownUrl = new URL(url);
  if (shownUrl.password) shownUrl.password = "***";
  const options: RedisOptions = {
    host: u.hostname.replace(/^\[|\]$/g, "") || "127.0.0.1",
    port: u.port ? Number(u.port) : 6379,
    db: db === "" ? 0 : Number(db),
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.protocol === "rediss:" ? { tls: {} } : {}),
  };
  return { url, shown: shownUrl.toString(), options };
}

/**
 * Options for long-lived connections (BullMQ workers, the producer's queue and event reader): commands
 * wait through a reconnect instead of failing (`maxRetriesPerRequest: null`, as BullMQ requires for
 * workers); reconnects back off from 100 ms to 2 s, so a restarted Redis is found again quickly. The
 * producer bounds an outage itself.
 */
export function durableOptions(
  t: RedisTarget,
): Omit<RedisOptions, "retryStrategy"> & { retryStrategy: (times: number) => number } {
  return {
    ...t.options,
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    retryStrategy: (times: number) => Math.min(2000, 100 * 2 ** Math.min(times, 5)),
  };
}

/** Parse (when a string) and check a Redis target: what producers and workers do before anything else. */
export async function openTarget(redis: string | RedisTarget, flag: string): Promise<RedisTarget> {
  const t = typeof redis === "string" ? redisTarget(redis, flag) : redis;
  await checkRedis(t, flag);
  return t;
}

export interface RedisInfo {
  version: string;
  maxmemoryPolicy: string;
  aof: boolean;
}

function field(info: string, name: string): string | undefined {
  const m = new RegExp(`^${name}:(.*)$`, "m").exec(info);
  return m?.[1]?.trim();
}

/**
 * Connect once, fail fast: unreachable, refused credentials, a Redis older than BullMQ supports, or an
 * eviction policy other than `noeviction` (Redis would drop queue keys under memory pressure) are each
 * one `E_QUEUE` line naming the URL.
 */
export async function checkRedis(t: RedisTarget, flag = "--queue", timeoutMs = 5000): Promise<RedisInfo> {
  const where = `${flag} ${t.shown}`;
  const client = new Redis({
    ...t.options,
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // The socket's own error (ECONNREFUSED, ENOTFOUND, ETIMEDOUT…) says more than connect()'s rejection.
  let cause: Error | undefined;
  client.on("error", (e: Error) => {
    cause ??= e;
  });
  try {
    try {
      await client.connect();
    } catch (e) {
      const why = (cause ?? (e as Error)).message;
      throw new CodermError(
        "E_QUEUE",
        `Redis is unreachable (${why}); start redis-server there or fix the URL`,
        where,
      );
    }
    let info: string;
    try {
      info = await client.info();
    } catch (e) {
      throw new CodermError("E_QUEUE", `Redis refused INFO: ${(e as Error).message}`, where);
    }
    const version = field(info, "redis_version") ?? field(info, "valkey_version") ?? "0";
    const major = Number(version.split(".")[0]);
    if (!(major >= 5))
      throw new CodermError("E_QUEUE", `Redis ${version} is too old: BullMQ needs Redis 5 or newer`, where);
    const policy = field(info, "maxmemory_policy") ?? "noeviction";
    if (policy !== "noeviction")
      throw new CodermError(
        "E_QUEUE",
        `maxmemory-policy is ${policy}, so Redis may evict queue keys; set it to noeviction (redis-cli CONFIG SET maxmemory-policy noeviction, and in redis.conf)`,
        where,
      );
    return { version, maxmemoryPolicy: policy, aof: field(info, "aof_enabled") === "1" };
  } finally {
    client.disconnect();
  }
}
