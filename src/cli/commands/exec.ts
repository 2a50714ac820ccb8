/**
 * `coderm exec`: run (solution, test) pairs in the sandbox. Results are appended as they complete, so a
 * killed run keeps what finished and a rerun skips ids already in --out.
 */

import { existsSync, readFileSync, truncateSync } from "node:fs";
import { availableParallelism } from "node:os";
import { defineCommand } from "citty";
import { z } from "zod";
import { CodermError } from "../../errors.js";
import { formatBadLine, readJsonl } from "../../io/jsonl.js";
import { checkOutputFile, openOutput } from "../../io/output.js";
import type { QueueExecutor, QueueSet } from "../../queue/index.js";
import { TEST_FORMATS } from "../../records.js";
import { isolationLine } from "../../report/isolation.js";
import { lockFile } from "../../run/lock.js";
import { type PairExecutor, type PairInput, Sandbox, type SandboxOptions } from "../../sandbox/index.js";
import { commandMeta } from "../command-list.js";
import {
  assertTimeoutArg,
  numberArg,
  numberFlag,
  type SandboxFlags,
  sandboxArgs,
  sandboxFromFlags,
  strictArg,
  untilStopped,
} from "../flags.js";

export const PairLineSchema = z.object({
  id: z.union([z.string().min(1), z.number()]).transform(String),
  solution: z.string(),
  test: z.union([z.string(), z.array(z.string())]),
  format: z.enum(TEST_FORMATS).default("unittest"),
});

/** Ids already in a results file; a torn last line (killed mid-write) is cut off so appending stays valid. */
export function finishedIds(file: string): Set<string> {
  const done = new Set<string>();
  if (!existsSync(file)) return done;
  const text = readFileSync(file, "utf8");
  const end = text.lastIndexOf("\n") + 1;
  if (end < text.length) truncateSync(file, Buffer.byteLength(text.slice(0, end)));
  for (const line of text.slice(0, end).split("\n")) {
    if (!line.trim()) continue;
    try {
      const id = (JSON.parse(line) as { id?: unknown }).id;
      if (id !== undefined) done.add(String(id));
    } catch {
      // not ours to judge: leave the line, it cannot match an id
    }
  }
  return done;
}

/** A pair id names one result line: a second pair with the same id would be skipped as already done. */
function checkUniqueIds(records: readonly { id: string }[], lines: readonly number[], file: string): void {
  const seen = new Map<string, number>();
  records.forEach((r, i) => {
    const prev = seen.get(r.id);
    if (prev !== undefined)
      throw new CodermError(
        "E_BAD_INPUT",
        `duplicate id "${r.id}" (first at line ${prev})`,
        `${file}:${lines[i]}`,
      );
    seen.set(r.id, lines[i]!);
  });
}

/** Where the pairs run: coderm workers through Redis (`--queue`), or a local sandbox. */
async function startExecutor(
  args: {
    queue?: string;
    workers?: string;
    "queue-name"?: string;
    "shard-pairs"?: string;
    "in-flight"?: string;
  },
  sandbox: SandboxFlags,
  verdictSettings: Omit<SandboxOptions, "workers" | "requireIsolation"> & { hardened: boolean },
  pairs: number,
): Promise<{ executor: PairExecutor; queued?: QueueExecutor | QueueSet; local?: Sandbox }> {
  if (args.queue) {
    if (args.workers !== undefined)
      throw new CodermError(
        "E_BAD_INPUT",
        "--workers is for local runs; with --queue each worker sets its own --concurrency",
        "--workers",
      );
    // Loaded here, not at the top: bullmq and ioredis cost a local exec ~150 ms of start-up for nothing.
    const { QueueSet } = await import("../../queue/index.js");
    const queued = await QueueSet.connect(args.queue, {
      queue: args["queue-name"],
      ...verdictSettings,
      shard: { maxPairs: numberFlag(args["shard-pairs"], "shard-pairs", { int: true, min: 1 }) },
      inFlight: numberFlag(args["in-flight"], "in-flight", { int: true, min: 1 }),
      onNotice: (line) => console.error(line),
    });
    if (sandbox.requireIsolation && queued.isolation?.level !== "strong") {
      await queued.close();
      throw new CodermError(
        "E_ISOLATION",
        queued.isolation
          ? `isolation is weak on some queue workers (${queued.isolation.layers.workers?.why})`
          : "no queue worker is connected yet, so its isolation is unknown; start workers with --require-isolation",
      );
    }
    return { executor: queued, queued };
  }
  // A worker beyond one per pair would only cost start-up time (a one-pair exec starts one, not one per CPU).
  const local = await Sandbox.start({
    workers: Math.min(sandbox.workers ?? availableParallelism(), Math.max(1, pairs)),
    ...verdictSettings,
    requireIsolation: sandbox.requireIsolation,
  });
  console.error(isolationLine(local.isolation));
  return { executor: local, local };
}

export default defineCommand({
  meta: commandMeta("exec"),
  args: {
    pairs: { type: "string", description: 'Pair JSONL: {"id","solution","test","format"}', required: true },
    out: {
      type: "string",
      description: "Result JSONL (appended; ids already there are skipped)",
      required: true,
    },
    ...sandboxArgs,
    strict: strictArg,
    "assert-timeout": assertTimeoutArg,
    details: { type: "boolean", description: "Write per-case results, durations and stderr" },
    parity: {
      type: "boolean",
      description: "A fresh candidate process per pair (the reference's shape; slower)",
    },
    "reference-verdicts": {
      type: "boolean",
      description:
        "FORGEABLE, for parity studies only: CodeRM's in-process exec + wasSuccessful (a solution can pass itself)",
    },
    queue: {
      type: "string",
      description:
        "Run on coderm workers through Redis (redis://host:port; several, comma-separated, split the work) instead of locally",
    },
    "queue-name": { type: "string", description: 'Queue name with --queue (default "coderm")' },
    "shard-pairs": numberArg(
      "With --queue: pairs per shard (default: sized to about 2 s of a worker's time)",
      { int: true, min: 1 },
    ),
    "in-flight": numberArg("With --queue: shards in flight at most (default: twice the workers' slots)", {
      int: true,
      min: 1,
    }),
  },
  // Long: the checks before work (output, lock, resume point), the stop handling and the progress line of one results stream belong together.
  async run({ args }) {
    const sandbox = sandboxFromFlags(args);
    checkOutputFile(args.out, "--out");
    const { records, lines, bad } = await readJsonl(args.pairs, PairLineSchema, {
      strict: args.strict === true,
      onBadLine: (b) => console.error(`coderm: skipping ${formatBadLine(b)}`),
    });
    checkUniqueIds(records, lines, args.pairs);
    // One process per results file: two execs appending to it would write every pair twice.
    const lock = lockFile(`${args.out}.lock`, "coderm exec", args.out);
    process.once("exit", () => lock.release());
    const done = finishedIds(args.out);
    const todo: PairInput[] = records.filter((r) => !done.has(r.id));
    const reference = Boolean(args["reference-verdicts"]);
    const verdictSettings = {
      timeout: sandbox.timeout,
      assertTimeout: numberFlag(args["assert-timeout"], "assert-timeout", assertTimeoutArg.range),
      details: Boolean(args.details),
      parity: Boolean(args.parity),
      referenceVerdicts: reference,
      hardened: !reference, // the alias the queue's result keys read (src/queue/shards.ts)
      skipIsPass: reference,
    };
    const { executor, queued, local } = await startExecutor(args, sandbox, verdictSettings, todo.length);
    if (reference)
      console.error(
        "exec: WARNING --reference-verdicts: verdicts come from the solution's own process (forgeable); not a reward",
      );
    console.error(
      `exec: ${todo.length} pairs to run (${done.size} already in ${args.out}, ${bad.length} bad lines skipped)`,
    );
    // Appended as pairs finish (a rerun resumes from what is there); a write error is one E_OUTPUT line.
    const ws = openOutput(args.out, { append: true });
    const t0 = Date.now();
    let n = 0;
    let passed = 0;
    let last = 0;
    const counts = new Map<string, number>();
    try {
      // Ctrl-C: workers are killed at once, finished pairs stay in --out; a second Ctrl-C exits 130 now.
      await untilStopped(
        async (signal) => {
          for await (const o of executor.run(todo, { signal })) {
            n++;
            if (o.passed) passed++;
            counts.set(o.verdict, (counts.get(o.verdict) ?? 0) + 1);
            const rec = args.details ? o : { id: o.id, verdict: o.verdict, passed: o.passed };
            await ws.write(`${JSON.stringify(rec)}\n`);
            const now = Date.now();
            // A log file gets the final counts only: `\r` redraws are noise there.
            if (process.stderr.isTTY && (now - last > 500 || n === todo.length)) {
              last = now;
              const rate = n / Math.max(0.001, (now - t0) / 1000);
              process.stderr.write(
                `\rexec: ${n}/${todo.length} pairs, ${passed} passed, ${rate.toFixed(1)} pairs/s${n === todo.length ? "\n" : ""}`,
              );
            }
          }
        },
        {
          message: `finished pairs are kept in ${args.out} — rerun the same command to resume`,
          onStop: () => local?.kill(),
        },
      );
    } finally {
      try {
        await ws.close();
      } finally {
        await executor.close();
      }
    }
    const q = queued?.lastStats;
    if (q && q.pairs > 0)
      console.error(
        `exec: through the queue: ${q.reused} of ${q.units} distinct pairs found in Redis's results, ${q.shards} shards enqueued${q.failed > 0 ? `, ${q.failed} failed (crash verdicts)` : ""}`,
      );
    if (todo.length === 0) console.error("exec: nothing to do");
    else
      console.error(
        `exec: ${[...counts].map(([v, c]) => `${c} ${v}`).join(", ")}${reference ? " (reference verdicts: forgeable)" : ""}`,
      );
  },
});
