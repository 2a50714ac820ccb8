/**
 * `coderm run`: the whole loop as one resumable command. Flags and a config file (coderm.config.json|ts)
 * fill the same validated object; rerunning the same command resumes where it stopped.
 */

import { defineCommand } from "citty";
import { benchmarkNames } from "../../benchmarks/index.js";
import { formatTable } from "../../report/table.js";
import { findConfigFile, parseRunConfig, readConfigFile } from "../../run/config.js";
import { run } from "../../run/run.js";
import { STRATEGIES } from "../../select/index.js";
import { commandMeta } from "../command-list.js";
import { modelArgs, numberFlag, sandboxArgs, sandboxFromFlags, untilStopped } from "../flags.js";
import { type ProgressMode, RunProgress } from "../progress.js";

const num = (value: string | undefined, field: string) => numberFlag(value, field);

export default defineCommand({
  meta: commandMeta("run"),
  args: {
    benchmark: {
      type: "string",
      description: `${benchmarkNames().join(" | ")} | Problem JSONL file`,
    },
    out: { type: "string", description: "run directory (every stage's output + store.sqlite)" },
    config: {
      type: "string",
      description: "config file (default: ./coderm.config.json or .ts when present)",
    },
    n: { type: "string", description: "solutions per problem (default 100)" },
    m: { type: "string", description: "unit tests per problem (default 100)" },
    strategy: {
      type: "string",
      description: `selection strategy (${STRATEGIES.join(", ")}; default coderm-vote)`,
    },
    policy: { type: "string", description: "policy model name (on --base-url)" },
    tester: { type: "string", description: "unit-test model name (on --base-url or --tester-base-url)" },
    ...modelArgs,
    "tester-base-url": { type: "string", description: "a separate server for the tester" },
    "replay-solutions": {
      type: "string",
      description: "recorded solutions (CodeRM result file) instead of a policy server",
    },
    "replay-tests": {
      type: "string",
      description: "recorded unit tests (CodeRM result file) instead of a tester server",
    },
    codet: { type: "string", description: "replay CodeT's released generations from this directory" },
    limit: { type: "string", description: "only the first K problems" },
    workers: sandboxArgs.workers,
    timeout: sandboxArgs.timeout,
    budget: {
      type: "string",
      description: "average unit tests per problem to execute and use (dynamic scaling)",
    },
    allocation: {
      type: "string",
      description: "how the budget is split: equal | dynamic (greedy on a first-round λ)",
    },
    samples: { type: "string", description: "bootstrap repetitions for best-of-n (default 100)" },
    seed: { type: "string", description: "bootstrap seed (default 0)" },
    "require-isolation": sandboxArgs["require-isolation"],
    queue: {
      type: "string",
      description: "execute pairs on coderm workers through Redis (redis://host:port[,…]) instead of locally",
    },
    "queue-name": { type: "string", description: 'queue name with --queue (default "coderm")' },
    quiet: { type: "boolean", description: "no progress, only the final table" },
    json: { type: "boolean", description: "JSON lines on stdout (progress events, then the result)" },
  },
  async run({ args }) {
    const configFile = args.config ?? findConfigFile();
    const fromFile = configFile ? await readConfigFile(configFile) : {};
    const model = (name: string | undefined, replay: string | undefined, baseUrl: string | undefined) => {
      const m: Record<string, unknown> = {};
      if (name) m.model = name;
      if (replay) m.replay = replay;
      if (baseUrl) m.baseUrl = baseUrl;
      if (args["api-key-env"]) m.apiKeyEnv = args["api-key-env"];
      if (args.retries) m.retries = numberFlag(args.retries, "retries", modelArgs.retries.range);
      return Object.keys(m).length > 0 ? m : undefined;
    };
    const flags = sandboxFromFlags(args);
    const sandbox: Record<string, unknown> = {};
    if (flags.workers !== undefined) sandbox.workers = flags.workers;
    if (flags.timeout !== undefined) sandbox.timeout = flags.timeout;
    if (flags.requireIsolation) sandbox.requireIsolation = true;
    if (args.queue) sandbox.queue = args.queue;
    if (args["queue-name"]) sandbox.queueName = args["queue-name"];
    const evaluation: Record<string, unknown> = {};
    if (args.samples) evaluation.samples = num(args.samples, "samples");
    if (args.seed) evaluation.seed = num(args.seed, "seed");
    const config = parseRunConfig(
      fromFile,
      {
        benchmark: args.benchmark ?? (args.codet ? "humaneval" : undefined),
        out: args.out,
        n: num(args.n, "n"),
        m: num(args.m, "m"),
        strategy: args.strategy,
        policy: model(args.policy, args["replay-solutions"], args["base-url"]),
        tester: model(args.tester, args["replay-tests"], args["tester-base-url"] ?? args["base-url"]),
        codet: args.codet,
        limit: num(args.limit, "limit"),
        budget: num(args.budget, "budget"),
        allocation: args.allocation,
        sandbox: Object.keys(sandbox).length > 0 ? sandbox : undefined,
        evaluation: Object.keys(evaluation).length > 0 ? evaluation : undefined,
      },
      configFile ?? "flags",
    );
    const mode: ProgressMode = args.json ? "json" : args.quiet ? "quiet" : "bar";
    const out = await untilStopped((signal) =>
      run(config, {
        onEvent: new RunProgress(mode).onEvent,
        signal,
        // The same pairs on coderm workers elsewhere (src/queue); results stream back as shards complete.
        pairExecutor: async (c, ctx) => {
          const { QueueSet } = await import("../../queue/index.js");
          return QueueSet.connect(c.sandbox.queue as string, {
            queue: c.sandbox.queueName,
            timeout: c.sandbox.timeout,
            assertTimeout: c.sandbox.assertTimeout,
            ...ctx,
          });
        },
      }),
    );
    if (mode === "json") {
      process.stdout.write(
        `${JSON.stringify({ event: "result", dir: out.dir, files: out.files, summary: out.summary })}\n`,
      );
    } else {
      process.stdout.write(`${formatTable(out.summary)}\n`);
      process.stdout.write(`report: ${out.files.reportHtml}\n        ${out.files.reportMd}\n`);
    }
  },
});
