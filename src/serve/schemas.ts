/**
 * Request schemas of `coderm serve`. They validate every body (a 400 names the first bad field) and
 * `GET /openapi.json` is generated from them, so the documentation cannot drift from what is enforced.
 */
import { z } from "zod";
import { TEST_FORMATS } from "../records.js";
import { STRATEGIES } from "../select/index.js";

const Test = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

export const ScoreRequest = z.object({
  /** unittest: each test is one TestCase class source; assert: assert lines (a string or an array). */
  tests: z.array(Test).min(1).max(10_000),
  solutions: z.array(z.string()).min(1).max(10_000),
  strategy: z.enum(STRATEGIES).default("coderm-vote"),
  format: z.enum(TEST_FORMATS).default("unittest"),
  /** Milliseconds before the request gives up; its pairs not yet run are dropped (default: server's). */
  deadline_ms: z.number().int().positive().optional(),
});
export type ScoreRequest = z.infer<typeof ScoreRequest>;

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

export const SCHEMAS = { ScoreRequest, RunCodeRequest } as const;
