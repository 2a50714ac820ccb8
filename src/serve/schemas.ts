/**
 * Request schemas of `coderm serve`. They validate every body (a 400 names the first bad field) and
 * `GET /openapi.json` is generated from them, so the documentation cannot drift from what is enforced.
 */
import { z } from "zod";
import { TEST_FORMATS } from "../records.js";
import { STRATEGIES } from "../select/index.js";

const Test = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);
const Tests = z.array(Test).min(1).max(10_000);

/** Tests inline, by the id `POST /v1/suites` returned, or (reward only) stdin cases; exactly one. */
const testsOrSuite = <T extends { tests?: unknown; suite_id?: unknown; cases?: unknown }>(
  v: T,
  ctx: z.RefinementCtx,
) => {
  const given = [v.tests, v.suite_id, v.cases].filter((x) => x !== undefined).length;
  if (given !== 1)
    ctx.addIssue({
      code: "custom",
      path: ["tests"],
      message: "give exactly one of tests, suite_id or cases",
    });
};

/** A stdin task's cases (LiveCodeBench, Codeforces): the program's stdout is compared with `expected`. */
export const StdinCases = z
  .array(z.object({ stdin: z.string(), expected: z.string() }))
  .min(1)
  .max(10_000);

/** A suite given in full (a /get_reward label carries one). */
export const InlineSuite = z.object({
  problem: z.string().optional(),
  tests: Tests,
  format: z.enum(TEST_FORMATS).default("unittest"),
});

/** Tests sampled by the server from a tester model (the paper's unit-test prompt on `problem`). */
const Generate = z.object({
  model: z.string().min(1),
  base_url: z.url(),
  m: z.number().int().min(1).max(200),
  /** A solution embedded in the prompt, as the paper does (optional). */
  solution: z.string().optional(),
  /** Key for `base_url`, sent only there (the server's own key goes only to its configured tester server). */
  api_key: z.string().optional(),
});

export const SuiteRequest = z
  .object({
    problem: z.string().optional(),
    tests: Tests.optional(),
    generate: Generate.optional(),
    format: z.enum(TEST_FORMATS).default("unittest"),
  })
  .superRefine((v, ctx) => {
    if ((v.tests === undefined) === (v.generate === undefined))
      ctx.addIssue({ code: "custom", path: ["tests"], message: "give exactly one of tests or generate" });
    if (v.generate && !v.problem)
      ctx.addIssue({ code: "custom", path: ["problem"], message: "generate needs the problem statement" });
    if (v.generate && v.format !== "unittest")
      ctx.addIssue({ code: "custom", path: ["format"], message: "generated tests are unittest classes" });
  });

export const ScoreRequest = z
  .object({
    /** unittest: each test is one TestCase class source; assert: assert lines (a string or an array). */
    tests: Tests.optional(),
    suite_id: z.string().optional(),
    solutions: z.array(z.string()).min(1).max(10_000),
    strategy: z.enum(STRATEGIES).default("coderm-vote"),
    format: z.enum(TEST_FORMATS).optional(),
    /** Milliseconds before the request gives up; its pairs not yet run are dropped (default: server's). */
    deadline_ms: z.number().int().positive().optional(),
  })
  .superRefine(testsOrSuite);
export type ScoreRequest = z.infer<typeof ScoreRequest>;

export const RewardRequest = z
  .object({
    tests: Tests.optional(),
    suite_id: z.string().optional(),
    cases: StdinCases.optional(),
    /** Seconds per stdin case (default 2); only with `cases`. */
    timeout_s: z.number().positive().max(60).default(2),
    format: z.enum(TEST_FORMATS).optional(),
    /** Code, or a model response whose longest ```python block is the code. */
    solution: z.string(),
    /** Default: coderm-vote with a group, pass-rate without (a vote over one solution always picks it). */
    strategy: z.enum(STRATEGIES).optional(),
    group: z
      .object({
        id: z.string().min(1),
        size: z.number().int().min(1).max(10_000),
        wait_ms: z.number().int().min(0).max(600_000).default(30_000),
      })
      .optional(),
    deadline_ms: z.number().int().positive().optional(),
  })
  .superRefine(testsOrSuite);
export type RewardRequest = z.infer<typeof RewardRequest>;

/** OpenRLHF's remote reward call: `query[i]` is prompt + response; a label is a suite id or a JSON suite. */
export const GetRewardRequest = z.object({
  query: z.array(z.string()).min(1),
  prompts: z.array(z.string()).optional(),
  labels: z.array(z.string()).optional(),
});

/** SandboxFusion's `POST /run_code`, field for field (times in seconds, memory in MB, files base64). */
export const RunCodeRequest = z.object({
  code: z.string(),
  language: z.string().default("python"),
  stdin: z.string().nullish(),
  compile_timeout: z.number().positive().default(10),
  run_timeout: z.number().positive().default(10),
  memory_limit_MB: z.number().default(-1),
  files: z.record(z.string(), z.string().nullable()).default({}),
  fetch_files: z.array(z.string()).default([]),
});
export type RunCodeRequest = z.infer<typeof RunCodeRequest>;

export const SCHEMAS = {
  SuiteRequest,
  ScoreRequest,
  RewardRequest,
  GetRewardRequest,
  RunCodeRequest,
} as const;
