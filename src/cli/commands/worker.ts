/**
 * `coderm worker`: run shards from a Redis queue in this machine's sandbox until stopped. SIGTERM or
 * Ctrl-C finishes the shards in hand and takes no new one; a second signal stops at once (those shards
 * go back to the queue for another worker).
 */
import { tmpdir } from "node:os";
import { defineCommand } from "citty";
import { ShardWorker } from "../../queue/index.js";
import { isolationLine } from "../../report/isolation.js";
import { commandMeta } from "../command-list.js";
import { numberFlag, sandboxArgs } from "../flags.js";

export default defineCommand({
  meta: commandMeta("worker"),
  args: {
    redis: {
      type: "string",
      description: "Redis URL: redis://[user:password@]host[:port][/db]",
      required: true,
    },
    queue: { type: "string", description: 'Queue name (default "coderm"; the producers\' --queue-name)' },
    concurrency: { type: "string", description: "Shards at once, one sandbox process each (default: CPUs)" },
    prefetch: {
      type: "string",
      description: "Shards fetched ahead of a free sandbox process, so it never waits on Redis (default 1)",
    },
    "require-isolation": sandboxArgs["require-isolation"],
    "lock-seconds": {
      type: "string",
      description: "A dead worker's shard goes back after about this plus the stall check (default 30)",
    },
    "stall-check-seconds": {
      type: "string",
      description: "How often to look for dead workers' shards (default 15)",
    },
    "max-stalls": {
      type: "string",
      description: "A shard whose worker died this many times fails; same on every worker (default 2)",
    },
    verbose: { type: "boolean", description: "One line per shard" },
  },
  async run({ args }) {
    const secs = (v: string | undefined, f: string) => {
      const n = numberFlag(v, f, { positive: true });
      return n === undefined ? undefined : Math.round(n * 1000);
    };
    const log = (line: string) => console.error(line);
    const w = await ShardWorker.start({
      redis: args.redis,
      queue: args.queue,
      concurrency: numberFlag(args.concurrency, "concurrency", { int: true, min: 1 }),
      prefetch: numberFlag(args.prefetch, "prefetch", { int: true, min: 0 }),
      sandbox: { requireIsolation: Boolean(args["require-isolation"]) },
      lockMs: secs(args["lock-seconds"], "lock-seconds"),
      stalledIntervalMs: secs(args["stall-check-seconds"], "stall-check-seconds"),
      maxStalls: numberFlag(args["max-stalls"], "max-stalls", { int: true, min: 1 }),
      verbose: Boolean(args.verbose),
      log,
    });
    console.error(isolationLine(w.isolation));
    log(
      `worker ${w.name}: taking shards from '${w.queue}' at ${args.redis.replace(/:[^:@/]*@/, ":***@")}, ${w.slots} at once; sandbox scratch under ${tmpdir()}`,
    );
    await new Promise<void>((resolve) => {
      let stopping = false;
      const stop = (sig: NodeJS.Signals) => {
        if (stopping) {
          log(`worker: ${sig} again: stopping now; the shards in hand go back to the queue`);
          w.kill();
          process.exit(130);
        }
        stopping = true;
        log(
          `worker: ${sig}: finishing ${w.active} shard${w.active === 1 ? "" : "s"} in hand, taking no new one`,
        );
        void w.close().then(() => {
          log(`worker: stopped after ${w.stats.shards} shards, ${w.stats.pairs} pairs`);
          resolve();
        });
      };
      process.on("SIGTERM", stop);
      process.on("SIGINT", stop);
    });
  },
});
