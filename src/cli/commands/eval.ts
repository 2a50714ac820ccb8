/**
 * `coderm eval`: pass matrices + labels → the paper's tables (Markdown on stdout), and with --out the
 * full report as summary.json, report.md and report.html.
 */

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { defineCommand } from "citty";
import { benchmarkNames } from "../../benchmarks/index.js";
import { CodermError } from "../../errors.js";
import { DEFAULT_STRATEGIES, evaluate } from "../../evaluate/summary.js";
import { checkOutputDir, writeFileAtomic } from "../../io/output.js";
import { parseSummary, renderHtml, renderJson, renderMarkdown } from "../../report/index.js";
import { STRATEGIES } from "../../select/index.js";
import { commandMeta } from "../command-list.js";
import { evalInputsFromFlags, listFlag, numberFlag, oneOf, ttyProgress } from "../flags.js";

const int = (value: string | undefined, field: string, min = 0) =>
  numberFlag(value, field, { min, int: true });

const list = listFlag;

const progress = ttyProgress;

/** Render finished summaries side by side, as the paper's tables put benchmarks and policies in columns. */
function combine(paths: string[], out: string | undefined, format: string): void {
  const summaries = paths.map((p) => {
    if (!existsSync(p)) throw new CodermError("E_BAD_INPUT", "file not found", p);
    return parseSummary(readFileSync(p, "utf8"), p);
  });
  if (out) {
    checkOutputDir(out, "--out");
    writeFileAtomic(join(out, "report.md"), renderMarkdown(summaries));
    console.error(`coderm: wrote report.md to ${out}`);
  }
  if (format === "html")
    throw new CodermError(
      "E_BAD_INPUT",
      "an HTML report shows one run: open each run's report.html",
      "--format",
    );
  if (format === "json") process.stdout.write(`${JSON.stringify(summaries, null, 2)}\n`);
  else process.stdout.write(renderMarkdown(summaries, { perProblem: false }));
}

export default defineCommand({
  meta: commandMeta("eval"),
  args: {
    problems: {
      type: "string",
      description: `${benchmarkNames().join(" | ")} | Problem JSONL file`,
    },
    solutions: { type: "string", description: "SolutionSample JSONL (sets N per problem)" },
    tests: { type: "string", description: "UnitTestSample JSONL (sets M per problem)" },
    results: { type: "string", description: "PairResult JSONL from the sandbox" },
    matrix: { type: "string", description: "Pass-matrix JSONL instead of --results" },
    labels: {
      type: "string",
      description: "Label JSONL (ground truth); without it label-based metrics are skipped",
    },
    strategy: {
      type: "string",
      description: `Comma-separated strategies (${STRATEGIES.join(", ")})`,
      default: DEFAULT_STRATEGIES.join(","),
    },
    n: { type: "string", description: "Solutions per problem for best-of-n (default: all)" },
    m: { type: "string", description: "Unit tests per problem for best-of-n (default: all)" },
    samples: { type: "string", description: "Bootstrap repetitions", default: "100" },
    "curve-samples": { type: "string", description: "Repetitions per curve point (default: --samples)" },
    seed: { type: "string", description: "Random seed", default: "0" },
    protocol: {
      type: "enum",
      options: ["reference", "random"],
      default: "reference",
      description: "reference: shuffled tests, solutions 0..n-1; random: random subsets of both",
    },
    "test-pool": {
      type: "string",
      description:
        "Shuffle test ids 0..K-1 per problem like the reference script (100) instead of each problem's own",
    },
    problem: { type: "string", description: "Comma-separated task ids whose pass matrix to draw" },
    title: { type: "string", description: "Column title (default: benchmark / policy)" },
    policy: { type: "string", description: "Policy model name for the title" },
    from: {
      type: "string",
      description:
        "Comma-separated summary.json files to show side by side (one column each); computes nothing",
    },
    out: { type: "string", description: "Directory for summary.json, report.md, report.html" },
    format: {
      type: "enum",
      options: ["md", "json", "html"],
      default: "md",
      description: "What to print on stdout",
    },
  },
  async run({ args }) {
    // `coderm eval | head` closes the pipe early: that is the reader's choice, not an error.
    process.stdout.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code !== "EPIPE") throw e;
      process.exit(0);
    });
    if (args.from) {
      combine(list(args.from) ?? [], args.out, args.format);
      return;
    }
    const strategies = (list(args.strategy) ?? []).map((s) => oneOf(s, STRATEGIES, "strategy", "strategy"));
    if (args.out) checkOutputDir(args.out, "--out");
    const inputs = await evalInputsFromFlags(args);
    if (inputs.matrices.size === 0)
      throw new CodermError("E_BAD_INPUT", "no pass matrices to evaluate", "--results");
    if (!args.labels)
      console.error("coderm: no --labels: vanilla, best-of-n accuracy and unit-test quality are skipped");

    const summary = evaluate(inputs.matrices, inputs.labels, {
      strategies,
      n: int(args.n, "n", 1),
      m: int(args.m, "m", 0),
      samples: int(args.samples, "samples", 1),
      curveSamples: int(args["curve-samples"], "curve-samples", 1),
      seed: int(args.seed, "seed", 0),
      protocol: args.protocol as "reference" | "random",
      testPool: int(args["test-pool"], "test-pool", 0),
      featured: list(args.problem),
      title: args.title,
      benchmark: inputs.benchmark,
      policy: args.policy,
      notes: inputs.notes,
      onProgress: progress("best-of-n"),
    });

    if (args.out) {
      writeFileAtomic(join(args.out, "summary.json"), renderJson(summary));
      writeFileAtomic(join(args.out, "report.md"), renderMarkdown(summary));
      writeFileAtomic(join(args.out, "report.html"), renderHtml(summary));
      console.error(`coderm: wrote summary.json, report.md, report.html to ${args.out}`);
    }
    if (args.format === "json") process.stdout.write(renderJson(summary));
    else if (args.format === "html") process.stdout.write(renderHtml(summary));
    else process.stdout.write(renderMarkdown(summary, { perProblem: false }));
  },
});
