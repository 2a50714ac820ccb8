/**
 * `coderm problems`: load a benchmark (bundled HumanEval(+)/MBPP+, or a downloaded LiveCodeBench
 * `code_generation_lite` directory with a release-date window) and write coderm Problem JSONL, which every
 * other command accepts as `--problems FILE`.
 */
import { defineCommand } from "citty";
import { CodermError } from "../../errors.js";
import { type BadLine, formatBadLine, writeJsonl } from "../../io/jsonl.js";
import {
  EVALPLUS_BENCHMARKS,
  type EvalPlusBenchmark,
  loadBenchmark,
  loadLiveCodeBench,
} from "../../problems/index.js";
import type { Problem } from "../../records.js";

const CHOICES = [...EVALPLUS_BENCHMARKS, "livecodebench"] as const;

export default defineCommand({
  meta: { name: "problems", description: "Load a benchmark's problems and write them as Problem JSONL." },
  args: {
    benchmark: { type: "string", required: true, description: CHOICES.join(", ") },
    data: { type: "string", description: "directory with evalplus/ and humaneval/ (default: bundled data)" },
    "lcb-dir": {
      type: "string",
      description: "LiveCodeBench code_generation_lite directory (test*.jsonl); default $CODERM_LCB_DIR",
    },
    release: { type: "string", description: "LiveCodeBench release: release_vN, vN or release_latest" },
    since: { type: "string", description: "LiveCodeBench: keep contests on or after this date (YYYY-MM-DD)" },
    until: {
      type: "string",
      description: "LiveCodeBench: keep contests on or before this date (YYYY-MM-DD)",
    },
    out: { type: "string", description: "write Problem JSONL here (default: stdout)" },
    strict: { type: "boolean", description: "stop at the first bad input line" },
  },
  async run({ args }) {
    const bench = args.benchmark;
    if (!(CHOICES as readonly string[]).includes(bench)) {
      throw new CodermError(
        "E_BAD_INPUT",
        `unknown benchmark "${bench}" (${CHOICES.join(", ")})`,
        "--benchmark",
      );
    }
    const bad: BadLine[] = [];
    const readOpts = { strict: Boolean(args.strict), onBadLine: (b: BadLine) => bad.push(b) };
    let problems: Problem[];
    if (bench === "livecodebench") {
      const dir = args["lcb-dir"] ?? process.env.CODERM_LCB_DIR;
      if (!dir) {
        throw new CodermError(
          "E_BAD_INPUT",
          "LiveCodeBench needs --lcb-dir DIR (or CODERM_LCB_DIR)",
          "--lcb-dir",
        );
      }
      problems = (
        await loadLiveCodeBench({
          ...readOpts,
          dir,
          ...(args.release ? { release: args.release } : {}),
          ...(args.since ? { since: args.since } : {}),
          ...(args.until ? { until: args.until } : {}),
        })
      ).records;
    } else {
      if (args.since || args.until || args.release) {
        throw new CodermError(
          "E_BAD_INPUT",
          "--since/--until/--release apply to livecodebench only",
          "--benchmark",
        );
      }
      problems = (
        await loadBenchmark(bench as EvalPlusBenchmark, {
          ...readOpts,
          ...(args.data ? { dataDir: args.data } : {}),
        })
      ).records;
    }
    if (args.out) await writeJsonl(args.out, problems);
    else for (const p of problems) process.stdout.write(`${JSON.stringify(p)}\n`);
    for (const b of bad.slice(0, 20)) console.error(`coderm: skipped ${formatBadLine(b)}`);
    if (bad.length > 20) console.error(`coderm: ... and ${bad.length - 20} more bad lines`);
    console.error(
      `coderm: ${problems.length} problems from ${bench}${bad.length ? `, ${bad.length} bad lines skipped` : ""}`,
    );
  },
});
