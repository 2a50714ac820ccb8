/**
 * `coderm label --benchmark humaneval+|mbpp+|humaneval --solutions S --out L`: ground-truth labels
 * (EvalPlus semantics for the + benchmarks, `check(candidate)` for HumanEval). S is EvalPlus's samples
 * format; L gets one Label per sample. Resumable: samples already in L are skipped.
 */

import { defineCommand } from "citty";
import { benchmarkNames, getBenchmark, groundTruthOf, resolveProblems } from "../../benchmarks/index.js";
import { CodermError } from "../../errors.js";
import { labelSamples } from "../../evaluate/label-samples.js";
import {
  DEFAULT_GT_TIME_LIMIT_FACTOR,
  DEFAULT_MIN_TIME_LIMIT,
  type LabelExecutor,
} from "../../evaluate/labels/index.js";
import { formatBadLine } from "../../io/jsonl.js";
import { checkOutputDir, checkOutputFile } from "../../io/output.js";
import { readEvalPlusSamples } from "../../problems/evalplus-samples.js";
import { isolationLine } from "../../report/isolation.js";
import { Sandbox } from "../../sandbox/index.js";
import { commandMeta } from "../command-list.js";
import { numberFlag, oneOf, sandboxArgs, ttyProgress } from "../flags.js";

const num = (value: string | undefined, field: string): number | undefined =>
  numberFlag(value, field, { positive: true });

const progress = ttyProgress;
// The label kinds' explicit non-pass for what the split cannot carry (a value of the program's own type compared
// with ==, a redefined builtin the test uses): "failed: unsupported", "runtime error on test 3: unsupported".
const UNSUPPORTED = /\bunsupported\b/;

export default defineCommand({
  meta: commandMeta("label"),
  args: {
    benchmark: { type: "string", required: true, description: benchmarkNames().join(" | ") },
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
    "lcb-dir": {
      type: "string",
      description: "livecodebench: code_generation_lite directory with test cases (default $CODERM_LCB_DIR)",
    },
    "min-time-limit": {
      type: "string",
      description: `Seconds, EvalPlus --min-time-limit (default ${DEFAULT_MIN_TIME_LIMIT})`,
    },
    "gt-time-limit-factor": {
      type: "string",
      description: `EvalPlus --gt-time-limit-factor (default ${DEFAULT_GT_TIME_LIMIT_FACTOR})`,
    },
    timeout: {
      ...sandboxArgs.timeout,
      description: "humaneval: seconds per program (default 3, human-eval's)",
    },
    clock: {
      type: "string",
      description:
        "What time limits count: wall (default, EvalPlus's and human-eval's clock) or cpu (the program's CPU time: stable under load, not EvalPlus's labels)",
    },
    dedupe: {
      type: "boolean",
      default: true,
      description: "Label programs differing only in comments and layout once (--no-dedupe runs each)",
    },
    details: { type: "boolean", description: "Run every input instead of stopping at the first failure" },
    "base-only": { type: "boolean", description: "Only the base inputs (no plus_status)" },
    workers: sandboxArgs.workers,
    cache: {
      type: "string",
      description: "Expected-output cache directory (default $CODERM_CACHE or ~/.cache/coderm)",
    },
  },
  async run({ args }) {
    const benchmark = getBenchmark(args.benchmark);
    // Before any work: labels computed for an hour must not be lost to an unwritable --out at the end.
    checkOutputFile(args.out, "--out");
    if (args.cache) checkOutputDir(args.cache, "--cache");
    const warn = (b: Parameters<typeof formatBadLine>[0]) =>
      console.error(`coderm: skipped ${formatBadLine(b)}`);
    const loaded = await resolveProblems(benchmark.name, {
      onBadLine: warn,
      ...(args.data ? { dataDir: args.data } : {}),
      ...(args.problems ? { file: args.problems } : {}),
      ...(args["lcb-dir"] ? { lcbDir: args["lcb-dir"] } : {}),
    });
    const spec = groundTruthOf(loaded.problems, benchmark);
    if (!spec) {
      throw new CodermError(
        "E_NO_GROUND_TRUTH",
        `these ${benchmark.name} problems carry no ground truth${benchmark.name === "livecodebench" ? " (pass --lcb-dir)" : ""}`,
        "--benchmark",
      );
    }
    const samples = await readEvalPlusSamples(args.solutions, { problems: loaded.problems, onBadLine: warn });
    const clock = oneOf(args.clock ?? "wall", ["cpu", "wall"] as const, "clock", "clock");
    const workers = numberFlag(args.workers, "workers", sandboxArgs.workers.range);
    let executor: LabelExecutor | undefined;
    let count = 0;
    let correct = 0;
    let unsupported = 0;
    let todo = 0;
    const failed: string[] = [];
    const show = progress("labelled");
    try {
      const r = await labelSamples(spec, loaded.problems, samples.records, {
        // Started only when something is left to label (a finished file costs no sandbox).
        executor: async () => {
          const sb = await Sandbox.start({ workers });
          console.error(`coderm: ${isolationLine(sb.isolation)}`);
          executor = sb.executor("labels");
          return executor;
        },
        file: args.out,
        problemsFile: loaded.file,
        ...(args.cache ? { cacheDir: args.cache } : {}),
        minTimeLimit: num(args["min-time-limit"], "min-time-limit") ?? DEFAULT_MIN_TIME_LIMIT,
        gtTimeLimitFactor:
          num(args["gt-time-limit-factor"], "gt-time-limit-factor") ?? DEFAULT_GT_TIME_LIMIT_FACTOR,
        timeout: numberFlag(args.timeout, "timeout", sandboxArgs.timeout.range),
        details: Boolean(args.details),
        baseOnly: Boolean(args["base-only"]),
        clock,
        noDedupe: args.dedupe === false,
        onStart: (kept, left) => {
          todo = left;
          if (kept > 0)
            console.error(`coderm: ${kept} samples already labelled in ${args.out}; ${left} to go`);
        },
        onGroundTruth: progress("expected outputs"),
        onTaskError: (task, reason) => {
          failed.push(task);
          console.error(`coderm: ${task}: ${reason}; its samples are labelled with this error`);
        },
        onLabels: (labels) => {
          count += labels.length;
          correct += labels.filter((l) => l.correct).length;
          unsupported += labels.filter((l) => UNSUPPORTED.test(l.details ?? "")).length;
          show(count, todo);
        },
      });
      if (r.labels.length === r.kept) return;
    } finally {
      await executor?.close();
    }
    summarize({ count, correct, unsupported, failed, out: args.out });
  },
});

function summarize(o: {
  count: number;
  correct: number;
  unsupported: number;
  failed: string[];
  out: string;
}) {
  console.error(`coderm: labelled ${o.count} samples, ${o.correct} correct → ${o.out}`);
  if (o.unsupported > 0) {
    console.error(
      `coderm: ${o.unsupported} of them failed because the judge/candidate split could not carry what their test did (details: unsupported)`,
    );
  }
  if (o.failed.length > 0) {
    console.error(
      `coderm: no verdict for the samples of ${o.failed.length} task(s) (${o.failed.join(", ")}): their labels carry \`error\`; a rerun tries them again`,
    );
    process.exitCode = 1;
  }
}
