/**
 * The shared vocabulary: every record that crosses a stage boundary, as a zod schema (for JSONL I/O)
 * and its TypeScript type. Field names are snake_case because they are the on-disk names and match
 * the ecosystem's files (EvalPlus, CodeRM, CodeT); one name per idea everywhere.
 */
import { z } from "zod";

/**
 * A benchmark's name (`humaneval+`, `mbpp+`, `humaneval`, `livecodebench`, or one registered in
 * `src/benchmarks/`). A plain string here: the registry, not this file, knows which names exist.
 */
export type Benchmark = string;

/** A programming problem. Optional fields hold what a benchmark's ground truth needs. */
export const ProblemSchema = z.looseObject({
  task_id: z.string().min(1),
  benchmark: z.string().min(1).optional(),
  /** The text shown to models: for HumanEval-style tasks, the signature and docstring. */
  prompt: z.string(),
  /** Function the tests call; empty for stdin/stdout problems. */
  entry_point: z.string(),
  canonical_solution: z.string().optional(),
  /** Ground-truth test code (HumanEval `check(candidate)`, MBPP+ assertions). */
  test: z.string().optional(),
  /** EvalPlus inputs: each an argument list. */
  base_input: z.array(z.array(z.unknown())).optional(),
  plus_input: z.array(z.array(z.unknown())).optional(),
  atol: z.number().optional(),
  contract: z.string().optional(),
  /** Natural-language question used by the unit-test prompt when it differs from `prompt`. */
  question: z.string().optional(),
  /** MBPP+ only: the release's assert statements (`test` holds the same text). */
  assertion: z.string().optional(),
  /**
   * EvalPlus inputs exactly as released (Python JSON: NaN, Infinity, big ints and 1.0 vs 1 survive). Feed
   * these to Python's `json.loads`; `base_input`/`plus_input` are JavaScript's lossy view of them.
   */
  base_input_json: z.string().optional(),
  plus_input_json: z.string().optional(),
  /** LiveCodeBench problems: platform, dates and decoded test cases (see `LiveCodeBenchInfoSchema`). */
  livecodebench: z.lazy(() => LiveCodeBenchInfoSchema).optional(),
});
export type Problem = z.infer<typeof ProblemSchema>;

/** One LiveCodeBench test: stdin text and expected stdout, or (functional) one JSON value per line. */
export const LiveCodeBenchTestSchema = z.object({
  input: z.string(),
  output: z.string(),
  testtype: z.enum(["stdin", "functional"]),
});
export type LiveCodeBenchTest = z.infer<typeof LiveCodeBenchTestSchema>;

/** The LiveCodeBench `code_generation_lite` fields of a problem, with test cases decoded. */
export const LiveCodeBenchInfoSchema = z.object({
  question_title: z.string(),
  platform: z.enum(["leetcode", "codeforces", "atcoder"]),
  contest_id: z.string(),
  /** ISO 8601 date-time of the contest (the release-window filter compares these). */
  contest_date: z.string(),
  starter_code: z.string(),
  difficulty: z.enum(["easy", "medium", "hard"]),
  public_test_cases: z.array(LiveCodeBenchTestSchema),
  private_test_cases: z.array(LiveCodeBenchTestSchema),
  metadata: z.record(z.string(), z.unknown()),
});
export type LiveCodeBenchInfo = z.infer<typeof LiveCodeBenchInfoSchema>;

/**
 * One sampled solution. `solution` is the extracted program, or null with `rejected` saying why:
 * nothing is dropped silently.
 */
export const SolutionSampleSchema = z.object({
  task_id: z.string().min(1),
  index: z.number().int().nonnegative(),
  solution: z.string().nullable(),
  rejected: z.string().optional(),
  /** The raw model response, when the sample came from a model. */
  response: z.string().optional(),
});
export type SolutionSample = z.infer<typeof SolutionSampleSchema>;

export const TEST_FORMATS = ["unittest", "assert"] as const;
export type TestFormat = (typeof TEST_FORMATS)[number];

/**
 * One sampled unit test. `unittest`: `test` is the source of one TestCase class with its imports.
 * `assert`: `cases` are CodeT-style assert statements, each its own verdict; `test` joins them.
 */
export const UnitTestSampleSchema = z.object({
  task_id: z.string().min(1),
  index: z.number().int().nonnegative(),
  format: z.enum(TEST_FORMATS).default("unittest"),
  test: z.string().nullable(),
  cases: z.array(z.string()).optional(),
  rejected: z.string().optional(),
  response: z.string().optional(),
});
export type UnitTestSample = z.infer<typeof UnitTestSampleSchema>;

/**
 * `unsupported`: the judge/candidate split could not carry something the pair needed (the reason is in
 * `stderr`, starting `unsupported: `). Like every verdict but `pass`, it is not a pass; count it separately.
 */
export const VERDICTS = ["pass", "fail", "error", "timeout", "crash", "invalid", "unsupported"] as const;
export type Verdict = (typeof VERDICTS)[number];

/** Result of one test case (a unittest method or one assert) inside a pair. */
export const CaseResultSchema = z.object({
  name: z.string(),
  verdict: z.enum(VERDICTS),
});
export type CaseResult = z.infer<typeof CaseResultSchema>;

/** The outcome of running solution `solution` of `task_id` against its unit test `test`. */
export const PairResultSchema = z.object({
  task_id: z.string().min(1),
  solution: z.number().int().nonnegative(),
  test: z.number().int().nonnegative(),
  verdict: z.enum(VERDICTS),
  /** True only when verdict is `pass`. */
  passed: z.boolean(),
  cases: z.array(CaseResultSchema).optional(),
  duration_ms: z.number().optional(),
  stderr: z.string().optional(),
});
export type PairResult = z.infer<typeof PairResultSchema>;

/** Ground-truth correctness of one solution (EvalPlus semantics: `plus_status` decides). */
export const LabelSchema = z.object({
  task_id: z.string().min(1),
  index: z.number().int().nonnegative(),
  base_status: z.enum(["pass", "fail"]),
  plus_status: z.enum(["pass", "fail"]).optional(),
  /** Final correctness used by metrics: plus_status when present, else base_status. */
  correct: z.boolean(),
  details: z.string().optional(),
  /**
   * No verdict could be reached (e.g. the task's canonical solution failed, so there is nothing to compare
   * with): the statuses say fail and `correct` false, and a rerun of `coderm label` tries the sample again.
   */
  error: z.string().optional(),
});
export type Label = z.infer<typeof LabelSchema>;

/** A request for generated unit tests of one problem (`POST /v1/suites` with `generate`). */
export interface SuiteTestsRequest {
  /** The problem statement the tester model sees. */
  problem: string;
  /** A solution to embed in the prompt (the paper embeds one per problem; without it the section is empty). */
  solution?: string;
  model: string;
  baseUrl: string;
  /** Unit-test samples to ask for. */
  m: number;
  /** A key for `baseUrl`, sent only there. */
  apiKey?: string;
  signal?: AbortSignal;
}

export interface SuiteTests {
  /** Extracted unittest classes, duplicates removed, in sample order. */
  tests: string[];
  model: string;
  asked: number;
  /** Samples that failed after retries: `#index: error`. */
  failures: string[];
  /** Responses extraction rejected, by reason (duplicates included). */
  rejected: Record<string, number>;
}
