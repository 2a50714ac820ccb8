/** Everything `coderm synth` takes, as one zod schema (flags fill it; errors name the field). */
import { z } from "zod";
import { CodermError } from "../errors.js";
import { describeZodError } from "../io/jsonl.js";
import { ModelConfigSchema as ModelSchema } from "../llm/index.js";
import { MUTATION_OPERATORS } from "./mutation-operators.js";
import { QUESTION_FORMATS } from "./questions.js";

const Model = ModelSchema.extend({
  /** Recorded responses instead of a server: a CodeRM result / responses file, or a CodeT directory. */
  replay: z.string().optional(),
});

export const SynthConfigSchema = z
  .object({
    /** Questions file (JSONL, JSON or parquet) or `humaneval` (the bundled HumanEval). */
    questions: z.string().min(1),
    format: z.enum(QUESTION_FORMATS).default("auto"),
    out: z.string().min(1),
    /** Response cache (default `<out>/store.sqlite`). */
    store: z.string().optional(),
    /** Only the first K questions. */
    limit: z.number().int().positive().optional(),
    teacher: Model.default(() => Model.parse({})),
    weak: Model.default(() => Model.parse({})),
    /** Unit tests generated per question. */
    m: z.number().int().positive().default(10),
    /** Weak solutions per question. */
    nWeak: z.number().int().nonnegative().default(10),
    /** Mutants of the ground truth per question (a seeded sample when there are more). */
    mutants: z.number().int().nonnegative().default(20),
    operators: z.array(z.enum(MUTATION_OPERATORS)).default([...MUTATION_OPERATORS]),
    seed: z.number().int().default(0),
    filters: z
      .object({
        minMutationScore: z.number().min(0).max(1).optional(),
        maxFar: z.number().min(0).max(1).optional(),
        maxFrr: z.number().min(0).max(1).optional(),
        topK: z.number().int().positive().optional(),
      })
      .strict()
      .default({}),
    sandbox: z
      .object({
        workers: z.number().int().positive().optional(),
        /** Seconds per (program, test) pair. */
        timeout: z.number().positive().default(1),
        requireIsolation: z.boolean().default(false),
      })
      .strict()
      .default(() => ({ timeout: 1, requireIsolation: false })),
    /** Examples of kept and dropped tests shown in the report. */
    examples: z.number().int().nonnegative().default(3),
  })
  .strict();
export type SynthConfig = z.output<typeof SynthConfigSchema>;
export type SynthConfigInput = z.input<typeof SynthConfigSchema>;

/** The flag that fills each config field, so a bad value is reported by the name the user typed. */
const FLAGS: Record<string, string> = {
  questions: "--questions",
  format: "--format",
  out: "--out",
  limit: "--limit",
  m: "--m",
  nWeak: "--n-weak",
  mutants: "--mutants",
  operators: "--operators",
  seed: "--seed",
  "filters.minMutationScore": "--min-mutation-score",
  "filters.maxFar": "--max-far",
  "filters.maxFrr": "--max-frr",
  "filters.topK": "--top-k",
  "sandbox.workers": "--workers",
  "sandbox.timeout": "--timeout",
};

export function parseSynthConfig(input: Record<string, unknown>, where?: string): SynthConfig {
  const parsed = SynthConfigSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = (issue?.path ?? []).filter((p) => typeof p === "string").join(".");
  const flag = where === undefined ? FLAGS[path] : undefined;
  if (flag && issue) throw new CodermError("E_CONFIG", issue.message, flag);
  throw new CodermError("E_CONFIG", describeZodError(parsed.error), where ?? "config");
}
