/**
 * `coderm scale-eval`: from full pass matrices and labels, simulate how accuracy grows with the unit-test
 * budget under equal, dynamic (gold and predicted λ) and online allocation (the paper's Figure 6).
 * Markdown on stdout; with --out also scale-eval.json, scale-eval.md and scale-eval.svg.
 */

import { join } from "node:path";
import { defineCommand } from "citty";
import { benchmarkNames } from "../../benchmarks/index.js";
import { CodermError } from "../../errors.js";
import { checkOutputDir, writeFileAtomic } from "../../io/output.js";
import { PassMatrix } from "../../matrix/pass-matrix.js";
import {
  DIFFICULTY_FEATURES,
  type DifficultyFeature,
  PRIORITIES,
  type Priority,
  STOP_RULES,
  type StopRule,
} from "../../scaling/index.js";
import { renderScaleJson, renderScaleMarkdown, renderScaleSvg } from "../../scaling/render.js";
import { type ScaleProblem, scaleEval } from "../../scaling/simulate.js";
import { commandMeta } from "../command-list.js";
import { evalInputsFromFlags, oneOf, ttyProgress } from "../flags.js";

function num(
  value: string | undefined,
  field: string,
  ok: (v: number) => boolean,
  what: string,
): number | undefined {
  if (value === undefined || value === "") return undefined;
  const v = Number(value);
  if (!ok(v)) throw new CodermError("E_BAD_INPUT", `must be ${what}, got "${value}"`, `--${field}`);
  return v;
}

/** The matrix without tests that never ran (no known cell): they cannot inform a vote, only eat budget. */
function withoutUnrunTests(m: PassMatrix): PassMatrix {
  const keep: number[] = [];
  for (let j = 0; j < m.tests; j++) {
    for (let i = 0; i < m.solutions; i++) {
      if (m.has(i, j)) {
        keep.push(j);
        break;
      }
    }
  }
  if (keep.length === m.tests) return m;
  const out = new PassMatrix(m.solutions, keep.length);
  keep.forEach((j, c) => {
    for (let i = 0; i < m.solutions; i++) if (m.has(i, j)) out.set(i, c, m.get(i, j));
  });
  return out;
}

function budgets(value: string | undefined): number[] | undefined {
  if (!value) return undefined;
  return value.split(",").map((s, i) => {
    const v = Number(s.trim());
    if (!(Number.isFinite(v) && v > 0)) {
      throw new CodermError(
        "E_BAD_INPUT",
        `budget ${i + 1} must be a positive number, got "${s}"`,
        "--budgets",
      );
    }
    return v;
  });
}

const progress = ttyProgress;

export default defineCommand({
  meta: commandMeta("scale-eval"),
  args: {
    matrix: { type: "string", description: "Pass-matrix JSONL (coderm's compact format)" },
    results: { type: "string", description: "PairResult JSONL instead of --matrix" },
    solutions: { type: "string", description: "SolutionSample JSONL (sets N per problem with --results)" },
    tests: { type: "string", description: "UnitTestSample JSONL (sets M per problem with --results)" },
    problems: { type: "string", description: `${benchmarkNames().join(" | ")} | Problem JSONL file` },
    labels: { type: "string", description: "Label JSONL (required: accuracy and gold difficulty)" },
    budgets: { type: "string", description: "Average tests per problem", default: "1,2,4,8,16,32,64" },
    samples: { type: "string", description: "Resamples (random test orders)", default: "100" },
    seed: { type: "string", description: "Random seed", default: "0" },
    probe: {
      type: "string",
      description: "First-round tests per problem for predicted difficulty",
      default: "1",
    },
    feature: {
      type: "string",
      description: `Difficulty feature: auto or one of ${DIFFICULTY_FEATURES.join(", ")}`,
      default: "auto",
    },
    rule: { type: "string", description: `Online stop rule: ${STOP_RULES.join(", ")}`, default: "leader" },
    priority: {
      type: "string",
      description: `Online priority: ${PRIORITIES.join(", ")}`,
      default: "gain",
    },
    confidence: { type: "string", description: "Online `confident` rule probability", default: "0.95" },
    growth: {
      type: "string",
      description: "Online round size as a share of tests spent so far",
      default: "0.5",
    },
    title: { type: "string", description: "Report title" },
    out: { type: "string", description: "Directory for scale-eval.json, scale-eval.md, scale-eval.svg" },
    format: { type: "enum", options: ["md", "json"], default: "md", description: "What to print on stdout" },
  },
  async run({ args }) {
    if (!args.labels) throw new CodermError("E_NO_GROUND_TRUTH", "scale-eval needs --labels", "--labels");
    if (args.out) checkOutputDir(args.out, "--out");
    const feature = args.feature as DifficultyFeature | "auto";
    if (feature !== "auto" && !(DIFFICULTY_FEATURES as readonly string[]).includes(feature)) {
      throw new CodermError("E_BAD_INPUT", `unknown feature "${feature}"`, "--feature");
    }
    oneOf(args.rule, STOP_RULES, "rule", "rule");
    oneOf(args.priority, PRIORITIES, "priority", "priority");
    const inputs = await evalInputsFromFlags(args);
    for (const note of inputs.notes) console.error(`coderm: note: ${note}`);
    const problems: ScaleProblem[] = [];
    let dropped = 0;
    for (const [taskId, full] of inputs.matrices) {
      const correct = inputs.labels.get(taskId);
      if (!correct) continue;
      const matrix = withoutUnrunTests(full);
      dropped += full.tests - matrix.tests;
      problems.push({ taskId, matrix, correct });
    }
    if (dropped > 0) {
      console.error(
        `coderm: note: ${dropped} tests with no result for any solution were left out of the budget`,
      );
    }
    const unlabelled = inputs.matrices.size - problems.length;
    if (unlabelled > 0) console.error(`coderm: note: ${unlabelled} problems without labels were left out`);
    if (problems.length === 0)
      throw new CodermError("E_NO_GROUND_TRUTH", "no problem has both a matrix and labels", args.labels);

    const result = scaleEval(problems, {
      budgets: budgets(args.budgets),
      samples: num(args.samples, "samples", (v) => Number.isInteger(v) && v >= 1, "an integer ≥ 1"),
      seed: num(args.seed, "seed", Number.isInteger, "an integer"),
      probeTests: num(args.probe, "probe", (v) => Number.isInteger(v) && v >= 0, "an integer ≥ 0"),
      feature,
      online: {
        rule: args.rule as StopRule,
        priority: args.priority as Priority,
        confidence: num(args.confidence, "confidence", (v) => v > 0 && v < 1, "in (0, 1)"),
        growth: num(args.growth, "growth", (v) => v >= 0, "≥ 0"),
      },
      onProgress: progress("scale-eval resamples"),
    });
    const md = renderScaleMarkdown(result, args.title);
    if (args.out) {
      writeFileAtomic(join(args.out, "scale-eval.json"), renderScaleJson(result));
      writeFileAtomic(join(args.out, "scale-eval.md"), md);
      writeFileAtomic(join(args.out, "scale-eval.svg"), `${renderScaleSvg(result, args.title)}\n`);
      console.error(`coderm: wrote scale-eval.json, scale-eval.md, scale-eval.svg to ${args.out}`);
    }
    process.stdout.write(args.format === "json" ? renderScaleJson(result) : md);
  },
});
