/**
 * `coderm rank`: choose each task's best solution from a pass matrix — given as results JSONL, or
 * computed by running every (solution, test) pair in the sandbox.
 */
import { defineCommand } from "citty";
import { benchmarkNames, resolveProblems } from "../../benchmarks/index.js";
import { CodermError } from "../../errors.js";
import { readSolutionsFile, readTestsFile } from "../../extract/sample-files.js";
import { type BadLine, formatBadLine, writeJsonl } from "../../io/jsonl.js";
import { checkOutputFile } from "../../io/output.js";
import { readPairResults } from "../../matrix/results-io.js";
import { isolationLine } from "../../report/isolation.js";
import { isStrategyName, STRATEGIES } from "../../select/index.js";
import { rank } from "../../select/rank.js";
import { commandMeta } from "../command-list.js";
import { sandboxArgs, sandboxFromFlags, strictArg } from "../flags.js";

export default defineCommand({
  meta: commandMeta("rank"),
  args: {
    problems: { type: "string", description: `${benchmarkNames().join(" | ")} | Problem JSONL file` },
    solutions: {
      type: "string",
      required: true,
      description: "solutions (coderm JSONL, CodeRM results, EvalPlus samples)",
    },
    tests: { type: "string", required: true, description: "unit tests (coderm JSONL or CodeRM results)" },
    results: { type: "string", description: "PairResult JSONL; without it the pairs run in the sandbox" },
    "save-results": { type: "string", description: "when running pairs, append their results here" },
    strategy: { type: "string", default: "coderm-vote", description: `one of ${STRATEGIES.join(", ")}` },
    raw: {
      type: "boolean",
      description: "CodeRM result entries are raw model responses: extract code first",
    },
    out: { type: "string", description: "write selected JSONL here (default: stdout)" },
    ...sandboxArgs,
    strict: strictArg,
  },
  async run({ args }) {
    const sandbox = sandboxFromFlags(args);
    if (args.out) checkOutputFile(args.out, "--out");
    if (!isStrategyName(args.strategy))
      throw new CodermError(
        "E_BAD_INPUT",
        `unknown strategy "${args.strategy}" (${STRATEGIES.join(", ")})`,
        "--strategy",
      );
    const bad: BadLine[] = [];
    const readOpts = { strict: Boolean(args.strict), onBadLine: (b: BadLine) => bad.push(b) };
    const problems = args.problems
      ? (await resolveProblems(args.problems, readOpts, "--problems")).problems
      : undefined;
    const solutions = await readSolutionsFile(args.solutions, {
      ...readOpts,
      problems,
      raw: Boolean(args.raw),
    });
    const tests = await readTestsFile(args.tests, { ...readOpts, raw: Boolean(args.raw) });
    const results = args.results ? await readPairResults(args.results, readOpts) : undefined;
    const out = await rank(
      {
        solutions: solutions.records,
        tests: tests.records,
        tasks: problems?.map((p) => p.task_id),
        results,
        sources: { solutions: args.solutions, tests: args.tests, problems: args.problems },
      },
      {
        strategy: args.strategy,
        resultsFile: args["save-results"],
        onIsolation: (r) => console.error(isolationLine(r)),
        sandbox: {
          ...sandbox,
          onProgress: (done, total) => {
            if (process.stderr.isTTY && (done === total || done % 200 === 0))
              process.stderr.write(`\rexecuted ${done}/${total} pairs${done === total ? "\n" : ""}`);
          },
        },
      },
    );
    if (args.out) await writeJsonl(args.out, out.selected);
    else for (const s of out.selected) process.stdout.write(`${JSON.stringify(s)}\n`);
    for (const b of bad.slice(0, 20)) console.error(`coderm: skipped ${formatBadLine(b)}`);
    const withChoice = out.selected.filter((s) => s.index !== null).length;
    console.error(
      `coderm: ranked ${out.selected.length} tasks with ${args.strategy} (${withChoice} with a choice); ` +
        `${out.results.length} results; ${bad.length} bad input lines skipped`,
    );
  },
});
