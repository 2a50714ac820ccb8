/**
 * `coderm problems`: load a benchmark (bundled HumanEval(+)/MBPP+, or a downloaded LiveCodeBench
 * `code_generation_lite` directory with a release-date window) and write coderm Problem JSONL, which every
 * other command accepts as `--problems FILE`.
 */
import { defineCommand } from "citty";
import { benchmarkNames, getBenchmark } from "../../benchmarks/index.js";
import { CodermError } from "../../errors.js";
import { type BadLine, formatBadLine, writeJsonl } from "../../io/jsonl.js";
import { checkOutputFile } from "../../io/output.js";
import { commandMeta } from "../command-list.js";
import { strictArg } from "../flags.js";

export default defineCommand({
  meta: commandMeta("problems"),
  args: {
    benchmark: { type: "string", required: true, description: benchmarkNames().join(", ") },
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
    strict: strictArg,
  },
  async run({ args }) {
    const benchmark = getBenchmark(args.benchmark);
    if (args.out) checkOutputFile(args.out, "--out");
    const bad: BadLine[] = [];
    const readOpts = { strict: Boolean(args.strict), onBadLine: (b: BadLine) => bad.push(b) };
    const given = { lcbDir: args["lcb-dir"], release: args.release, since: args.since, until: args.until };
    const flag = { lcbDir: "--lcb-dir", release: "--release", since: "--since", until: "--until" } as const;
    for (const [k, v] of Object.entries(given) as [keyof typeof given, string | undefined][]) {
      if (v !== undefined && !benchmark.options?.includes(k)) {
        const takers = benchmarkNames().filter((n) => getBenchmark(n).options?.includes(k));
        throw new CodermError("E_BAD_INPUT", `applies to ${takers.join(", ")} only`, flag[k]);
      }
    }
    const loaded = await benchmark.load({
      ...readOpts,
      ...(args.data ? { dataDir: args.data } : {}),
      ...Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)),
    });
    const problems = loaded.problems;
    if (args.out) await writeJsonl(args.out, problems);
    else for (const p of problems) process.stdout.write(`${JSON.stringify(p)}\n`);
    for (const b of bad.slice(0, 20)) console.error(`coderm: skipped ${formatBadLine(b)}`);
    if (bad.length > 20) console.error(`coderm: ... and ${bad.length - 20} more bad lines`);
    console.error(
      `coderm: ${problems.length} problems from ${benchmark.name}${bad.length ? `, ${bad.length} bad lines skipped` : ""}`,
    );
  },
});
