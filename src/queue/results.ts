/**
 * The result store in Redis: one hash per solution group (`~res:<group key>`), one field per test, the
 * outcome as JSON. Workers write a shard's outcomes before completing its job; producers read them
 * before enqueueing anything, so a rerun (or a second producer on the same pairs) runs only what is
 * missing, and a shard that ran twice wrote the same fields twice.
 */
import type { Redis } from "ioredis";
import { keys } from "./redis.js";
import type { Group, StoredOutcome, Unit } from "./shards.js";

/** Results are kept this long after their group was last written (default 7 days). */
export const DEFAULT_RESULT_TTL_S = 7 * 24 * 3600;

export interface GroupWrite {
  key: string;
  fields: string[];
  outcomes: StoredOutcome[];
}

export async function writeResults(
  redis: Redis,
  queue: string,
  groups: GroupWrite[],
  ttlSeconds = DEFAULT_RESULT_TTL_S,
): Promise<void> {
  const pipe = redis.pipeline();
  for (const g of groups) {
    if (g.fields.length === 0) continue;
    const k = keys.result(queue, g.key);
    const args: string[] = [];
    g.fields.forEach((f, i) => {
      args.push(f, JSON.stringify(g.outcomes[i]));
    });
    pipe.hset(k, ...args);
    pipe.expire(k, ttlSeconds);
  }
  const res = await pipe.exec();
  const failed = res?.find(([e]) => e);
  if (failed) throw failed[0];
}

/**
 * Look up stored outcomes for the units of each group; returns, per group, the units found with their
 * outcomes and the units still missing. Reads in pipelined batches of `batch` groups.
 */
export async function lookupResults(
  redis: Redis,
  queue: string,
  groups: Group[],
  batch = 256,
): Promise<{ found: { unit: Unit; outcome: StoredOutcome }[]; missing: Group[] }> {
  const found: { unit: Unit; outcome: StoredOutcome }[] = [];
  const missing: Group[] = [];
  for (let i = 0; i < groups.length; i += batch) {
    const slice = groups.slice(i, i + batch);
    const pipe = redis.pipeline();
    for (const g of slice) pipe.hmget(keys.result(queue, g.key), ...g.units.map((u) => u.field));
    const res = (await pipe.exec()) ?? [];
    slice.forEach((g, gi) => {
      const [err, values] = res[gi] ?? [new Error("no reply"), null];
      if (err) throw err;
      const left: Unit[] = [];
      g.units.forEach((u, ui) => {
        const v = (values as (string | null)[])[ui];
        if (v == null) left.push(u);
        else found.push({ unit: u, outcome: JSON.parse(v) as StoredOutcome });
      });
      if (left.length > 0) missing.push({ ...g, units: left });
    });
  }
  return { found, missing };
}
