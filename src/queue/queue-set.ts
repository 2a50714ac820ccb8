/**
 * Several queues, each on its own Redis, behind one PairExecutor: what to do when one Redis core is the
 * limit (docs/scale-out.md). Each solution group goes to the queue its content key picks, so a rerun
 * finds its stored results in the same Redis; outcomes of all queues stream back merged.
 */
import type { IsolationReport, PairExecutor, PairInput, PairOutcome } from "../sandbox/types.js";
import { Channel, END } from "./_channel.js";
import { QueueExecutor, type QueueExecutorOptions, type QueueRunStats } from "./producer.js";
import { groupKey, profileKey, profileOf } from "./shards.js";

export class QueueSet implements PairExecutor {
  private constructor(
    readonly members: QueueExecutor[],
    private readonly profile: string,
  ) {}

  /**
   * One executor for a comma-separated list of Redis URLs (or an array): a plain `QueueExecutor` for one,
   * a `QueueSet` for several. Every URL is checked first, so a bad one is one line before any work.
   */
  static async connect(
    urls: string | string[],
    opts: Omit<QueueExecutorOptions, "redis">,
  ): Promise<QueueExecutor | QueueSet> {
    const list = (Array.isArray(urls) ? urls : urls.split(",")).map((u) => u.trim()).filter(Boolean);
    if (list.length === 1) return QueueExecutor.connect({ ...opts, redis: list[0]! });
    const done = list.map(() => 0);
    const totals = list.map(() => 0);
    const members: QueueExecutor[] = [];
    try {
      for (const [i, redis] of list.entries())
        members.push(
          await QueueExecutor.connect({
            ...opts,
            redis,
            onProgress: (d, t) => {
              done[i] = d;
              totals[i] = t;
              opts.onProgress?.(
                done.reduce((a, b) => a + b, 0),
                totals.reduce((a, b) => a + b, 0),
              );
            },
          }),
        );
    } catch (e) {
      await Promise.allSettled(members.map((m) => m.close()));
      throw e;
    }
    return new QueueSet(members, profileKey(profileOf(opts)));
  }

  /** Strong only when every queue's live workers all are. */
  get isolation(): IsolationReport | undefined {
    const reports = this.members.map((m) => m.isolation);
    if (reports.some((r) => r === undefined)) return undefined;
    const weak = reports.filter((r) => r!.level !== "strong");
    return {
      level: weak.length === 0 ? "strong" : "weak",
      layers: Object.fromEntries(
        this.members.map((m, i) => [`queue ${m.target.shown}`, reports[i]!.layers.workers!]),
      ),
      python: "(on the workers)",
    };
  }

  /** The members' statistics of their latest runs, added up. */
  get lastStats(): QueueRunStats | undefined {
    const all = this.members.map((m) => m.lastStats).filter((s): s is QueueRunStats => s !== undefined);
    if (all.length === 0) return undefined;
    const sum = { ...all[0]! };
    for (const s of all.slice(1))
      for (const k of Object.keys(sum) as (keyof QueueRunStats)[])
        sum[k] = k === "shardPairs" ? Math.max(sum[k], s[k]) : sum[k] + s[k];
    return sum;
  }

  async *run(pairs: Iterable<PairInput>, opts: { signal?: AbortSignal } = {}): AsyncGenerator<PairOutcome> {
    const parts: PairInput[][] = this.members.map(() => []);
    for (const p of pairs) {
      const k = groupKey(this.profile, p.format, p.solution);
      parts[Number.parseInt(k.slice(0, 8), 16) % parts.length]!.push(p);
    }
    const ch = new Channel<PairOutcome>();
    // One signal for every queue's run: the caller's abort, or this generator ending early or failing.
    const stop = new AbortController();
    const forward = () => stop.abort();
    opts.signal?.addEventListener("abort", forward, { once: true });
    if (opts.signal?.aborted) stop.abort();
    let open = this.members.length;
    const pumps = this.members.map(async (m, i) => {
      try {
        for await (const o of m.run(parts[i]!, { signal: stop.signal })) ch.push(o);
        if (--open === 0) ch.end();
      } catch (e) {
        ch.fail(e);
      }
    });
    try {
      for (;;) {
        const o = await ch.next();
        if (o === END) break;
        yield o;
      }
    } finally {
      opts.signal?.removeEventListener("abort", forward);
      stop.abort();
      await Promise.allSettled(pumps);
    }
  }

  get concurrency(): number {
    return this.members.reduce((a, m) => a + m.concurrency, 0);
  }

  kill(): void {
    for (const m of this.members) m.kill();
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.members.map((m) => m.close()));
  }
}
