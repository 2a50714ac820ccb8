/**
 * `coderm extract`: (re-)extract solutions, unit tests or CodeT assert cases from raw model output and
 * write sample records (SolutionSample / UnitTestSample JSONL). Every response yields one record:
 * extracted text, or null with the reason it was rejected.
 */
import { defineCommand } from "citty";
import { CodermError } from "../../errors.js";
import { type BadLine, formatBadLine, readJsonl, writeJsonl } from "../../io/jsonl.js";
import { checkOutputFile } from "../../io/output.js";
import { ProblemSchema, type SolutionSample, type UnitTestSample } from "../../records.js";
import { commandMeta } from "../command-list.js";
import { strictArg } from "../flags.js";

const KINDS = ["solution", "unit-test", "assert"] as const;

function choice<T extends string>(
  value: string | undefined,
  allowed: readonly T[],
  flag: string,
): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new CodermError("E_BAD_INPUT", `must be one of ${allowed.join(", ")}, got "${value}"`, `--${flag}`);
  }
  return value as T;
}

export default defineCommand({
  meta: commandMeta("extract"),
  args: {
    kind: { type: "string", required: true, description: KINDS.join(", ") },
    responses: {
      type: "string",
      description:
        "solution/unit-test: raw responses JSONL as CodeRM's inference writes it ({messages, responses})",
    },
    prompts: {
      type: "string",
      description: "solution/unit-test: the prompt file the responses answer (input_*.jsonl)",
    },
    codet: {
      type: "string",
      description: "assert: directory with CodeT's four files (test samples + task file)",
    },
    out: { type: "string", required: true, description: "write sample JSONL here" },
    mode: { type: "string", description: "unit-test: reference (default) or all-classes" },
    fences: { type: "string", description: "code blocks: reference (default), first or longest" },
    problems: {
      type: "string",
      description: "unit-test: Problem JSONL giving entry points (drops imports shadowing them)",
    },
    "keep-duplicates": {
      type: "boolean",
      description: "unit-test: keep tests whose text repeats an earlier one",
    },
    limit: { type: "string", description: "assert: valid cases kept per sample (default 5)" },
    strict: strictArg,
  },
  // Long: every extract flag is mapped to the library's options here, in one readable place; the work is in extract/.
  async run({ args }) {
    const kind = choice(args.kind, KINDS, "kind") as (typeof KINDS)[number];
    if (args.out) checkOutputFile(args.out, "--out");
    const extract = await import("../../extract/index.js");
    const problems = await import("../../problems/index.js");
    await extract.initPython();
    const bad: BadLine[] = [];
    const readOpts = { strict: Boolean(args.strict), onBadLine: (b: BadLine) => bad.push(b) };
    let records: (SolutionSample | UnitTestSample)[];
    let duplicates = 0;

    if (kind === "assert") {
      if (!args.codet) throw new CodermError("E_BAD_INPUT", "--kind assert needs --codet DIR", "--codet");
      const limit = args.limit === undefined ? undefined : Number(args.limit);
      if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1)) {
        throw new CodermError("E_BAD_INPUT", `must be an integer ≥ 1, got "${args.limit}"`, "--limit");
      }
      const { join } = await import("node:path");
      const files = problems.CODET_FILES;
      const tasks = await problems.readCodetTasks(join(args.codet, files.testTasks), readOpts);
      const entryPoints = new Map(tasks.records.map((t) => [t.task_id, t.entry_point]));
      const read = await problems.readCodetTests(
        join(args.codet, files.tests),
        join(args.codet, files.testTasks),
        {
          ...readOpts,
          extractCases: extract.assertCaseExtractor(entryPoints, limit === undefined ? {} : { limit }),
        },
      );
      records = read.records;
    } else {
      if (args.limit !== undefined)
        throw new CodermError("E_BAD_INPUT", "--limit applies to --kind assert", "--limit");
      if (!args.responses || !args.prompts) {
        throw new CodermError(
          "E_BAD_INPUT",
          `--kind ${kind} needs --responses FILE and --prompts FILE`,
          "--responses",
        );
      }
      const fences = choice(args.fences, extract.CODE_MODES, "fences");
      const mode = choice(args.mode, extract.UNIT_TEST_MODES, "mode");
      const prompts = (await problems.readCodermPrompts(args.prompts, readOpts)).records;
      let entryPoints: Map<string, string> | undefined;
      if (args.problems) {
        const read = await readJsonl(args.problems, ProblemSchema, readOpts);
        entryPoints = new Map(read.records.map((p) => [p.task_id, p.entry_point]));
      }
      const extractor =
        kind === "solution"
          ? extract.solutionExtractor(fences ? { mode: fences } : {})
          : extract.unitTestExtractor(
              { ...(fences ? { fences } : {}), ...(mode ? { mode } : {}) },
              entryPoints,
            );
      const read = await problems.readCodermResponses(args.responses, prompts, kind, {
        ...readOpts,
        extract: extractor,
      });
      records = read.records;
      if (kind === "unit-test" && !args["keep-duplicates"]) {
        const marked = extract.markDuplicateTests(records as UnitTestSample[]);
        records = marked.samples;
        duplicates = marked.duplicates;
      }
    }

    await writeJsonl(args.out, records);
    const err = process.stderr;
    for (const b of bad.slice(0, 10)) err.write(`coderm: skipped ${formatBadLine(b)}\n`);
    if (bad.length > 10) err.write(`coderm: ... and ${bad.length - 10} more bad lines\n`);
    const reasons = new Map<string, number>();
    let kept = 0;
    for (const r of records) {
      const text = "solution" in r ? r.solution : r.test;
      if (text !== null) kept++;
      else if (r.rejected && !r.rejected.startsWith("duplicate of")) {
        const key = r.rejected.replace(/: \d+:\d+: .*/, "");
        reasons.set(key, (reasons.get(key) ?? 0) + 1);
      }
    }
    const top = [...reasons].sort((a, b) => b[1] - a[1]).slice(0, 4);
    err.write(
      `wrote ${args.out}: ${records.length} samples, ${kept} extracted, ${records.length - kept - duplicates} rejected` +
        (duplicates ? `, ${duplicates} duplicates` : "") +
        (top.length ? ` (${top.map(([k, v]) => `${v} ${k}`).join("; ")})` : "") +
        "\n",
    );
  },
});
