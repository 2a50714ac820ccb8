/**
 * `coderm serve`: one long-running reward service over one shared sandbox pool (or, with --queue, over
 * coderm workers through Redis). SIGTERM/Ctrl-C drains: admitted requests finish, new ones get 503.
 */
import { defineCommand } from "citty";
import { CodermError } from "../../errors.js";
import { QueueSet } from "../../queue/index.js";
import { isolationLine } from "../../report/isolation.js";
import { suiteTestGenerator } from "../../run/index.js";
import { type PairExecutor, Sandbox } from "../../sandbox/index.js";
import { startServer } from "../../serve/index.js";
import { openStore } from "../../store/index.js";
import { commandMeta } from "../command-list.js";
import { numberFlag } from "../flags.js";

export default defineCommand({
  meta: commandMeta("serve"),
  args: {
    host: { type: "string", description: "Address to bind (default 127.0.0.1)" },
    port: { type: "string", description: "TCP port (default 8080; 0 picks a free one)" },
    workers: { type: "string", description: "Sandbox worker processes (default: CPUs)" },
    token: {
      type: "string",
      description: "Require `Authorization: Bearer <token>` (default: $CODERM_TOKEN)",
    },
    "max-queued-pairs": {
      type: "string",
      description: "Pairs admitted at once; more get 429 (default 20000)",
    },
    "deadline-seconds": { type: "string", description: "Default per-request deadline (default 300)" },
    "memory-status": {
      type: "boolean",
      description: "/run_code reports MemoryLimitExceeded (SandboxFusion has no such status)",
    },
    queue: {
      type: "string",
      description:
        "Execute pairs on coderm workers through Redis (redis://host:port[,…]); /run_code stays local",
    },
    store: {
      type: "string",
      description: "SQLite file that keeps registered suites and cached tester responses across restarts",
    },
    "queue-name": { type: "string", description: 'Queue name with --queue (default "coderm")' },
  },
  async run({ args }) {
    const workers = numberFlag(args.workers, "workers", { int: true, min: 1 });
    const port = numberFlag(args.port, "port", { int: true, min: 0 }) ?? 8080;
    if (port > 65535) throw new CodermError("E_BAD_INPUT", "must be at most 65535", "--port");
    const deadline = numberFlag(args["deadline-seconds"], "deadline-seconds", { positive: true });
    // Programs always run here: the queue carries pairs only. One worker is enough for them with --queue.
    const local = await Sandbox.start({ workers: args.queue ? 1 : workers });
    console.error(isolationLine(local.isolation));
    let executor: PairExecutor = local;
    if (args.queue) {
      executor = await QueueSet.connect(args.queue, {
        queue: args["queue-name"],
        onNotice: (line) => console.error(line),
      });
    }
    const server = await startServer({
      executor,
      programs: local,
      host: args.host,
      port,
      token: args.token ?? process.env.CODERM_TOKEN,
      maxQueuedPairs: numberFlag(args["max-queued-pairs"], "max-queued-pairs", { int: true, min: 1 }),
      deadlineMs: deadline === undefined ? undefined : Math.round(deadline * 1000),
      memoryStatus: Boolean(args["memory-status"]),
      store: args.store,
      // /v1/suites with generate: the llm stage, its responses cached in the same store (memory without one).
      generateTests: suiteTestGenerator({ store: openStore(args.store ?? ":memory:") }),
      log: (entry) => console.log(JSON.stringify({ t: new Date().toISOString(), ...entry })),
    });
    console.error(`serve: listening on ${server.url}${args.queue ? ` (pairs through ${args.queue})` : ""}`);
    await new Promise<void>((resolve) => {
      const stop = (sig: string) => {
        console.error(`serve: ${sig}, draining ${server.inFlight} requests`);
        server.close().then(resolve, resolve);
      };
      process.once("SIGTERM", () => stop("SIGTERM"));
      process.once("SIGINT", () => stop("SIGINT"));
    });
    if (executor !== local) await executor.close();
    await local.close();
    console.error("serve: stopped");
  },
});
