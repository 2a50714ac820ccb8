/**
 * microsoft/CodeT's released generations: per line `{prompt, samples[]}`, rows in no particular order,
 * joined on `prompt` with the task files `HumanEval_for_{code,test_case}_generation.jsonl` (HumanEval
 * records whose prompts are the ones CodeT sent). Solutions are completions appended to the prompt; test
 * samples continue a prompt that ends in "assert ".
 */
import { join } from "node:path";
import { z } from "zod";
import { CodermError } from "../errors.js";
import { type Loaded, type ReadOptions, Rejected, readJsonlWith, writeJsonl } from "../io/jsonl.js";
import type { Problem, SolutionSample, UnitTestSample } from "../records.js";
import { type CaseExtractor, type Extractor, sortedByIndex } from "./samples.js";

/** File names of the CodeGen-16B release (and of the vendored 20-task slice). */
export const CODET_FILES = {
  solutions: "HumanEval_codegen16B_temp0.8_topp0.95_num100_max300_code_solution.jsonl",
  tests: "HumanEval_codegen16B_temp0.8_topp0.95_num100_max300_test_case.jsonl",
  solutionTasks: "HumanEval_for_code_generation.jsonl",
  testTasks: "HumanEval_for_test_case_generation.jsonl",
} as const;

export const CodetSamplesSchema = z.object({ prompt: z.string(), samples: z.array(z.string()) });
export type CodetSamples = z.infer<typeof CodetSamplesSchema>;

const CodetTaskSchema = z.looseObject({
  task_id: z.string().min(1),
  prompt: z.string(),
  entry_point: z.string(),
  canonical_solution: z.string().optional(),
  test: z.string().optional(),
});

/** Read a CodeT task file (`HumanEval_for_*_generation.jsonl`) as problems. */
export async function readCodetTasks(file: string, options: ReadOptions = {}): Promise<Loaded<Problem>> {
  const { records, bad } = await readJsonlWith(
    file,
    CodetTaskSchema,
    JSON.parse,
    (r): Problem => ({ ...r, benchmark: "humaneval" }),
    options,
  );
  return { records, bad };
}

export interface CodetJoined<T> extends Loaded<T> {
  /** The task file's problems (their prompts are CodeT's, not the original HumanEval ones). */
  problems: Problem[];
}

async function join_<T>(
  samplesFile: string,
  tasksFile: string,
  options: ReadOptions,
  build: (problem: Problem, samples: string[]) => T[],
): Promise<CodetJoined<T>> {
  const tasks = await readCodetTasks(tasksFile, options);
  const byPrompt = new Map<string, Problem>();
  for (const p of tasks.records) byPrompt.set(p.prompt, p);
  const seen = new Set<string>();
  const read = await readJsonlWith(
    samplesFile,
    CodetSamplesSchema,
    JSON.parse,
    (r) => {
      const problem = byPrompt.get(r.prompt);
      if (!problem) return new Rejected(`prompt matches no task in ${tasksFile}`);
      if (seen.has(problem.task_id)) return new Rejected(`second row for ${problem.task_id}`);
      seen.add(problem.task_id);
      return build(problem, r.samples);
    },
    options,
  );
  const bad = [...tasks.bad, ...read.bad];
  const records = read.records.flat();
  return { records, bad, problems: tasks.records };
}

export interface CodetSolutionOptions extends ReadOptions {
  /** Applied to each completion before it is appended to the prompt (e.g. CodeT's stop-word truncation). */
  extract?: Extractor;
}

/**
 * Read CodeT solution samples joined with their task file. `solution` = prompt + completion, as CodeT
 * executes it; `response` = the completion exactly as released. Index = position in `samples`.
 */
export async function readCodetSolutions(
  samplesFile: string,
  tasksFile: string,
  options: CodetSolutionOptions = {},
): Promise<CodetJoined<SolutionSample>> {
  return join_(samplesFile, tasksFile, options, (p, samples) =>
    samples.map((completion, index): SolutionSample => {
      const x = options.extract ? options.extract(completion, p.task_id) : { text: completion };
      return {
        task_id: p.task_id,
        index,
        solution: x.text === null ? null : p.prompt + x.text,
        response: completion,
        ...(x.rejected !== undefined ? { rejected: x.rejected } : {}),
      };
    }),
  );
}

export interface CodetTestOptions extends ReadOptions {
  /** Split each sample into assert cases (CodeT's rules live in `src/extract/`). */
  extractCases?: CaseExtractor;
}

/**
 * Read CodeT test samples joined with their task file, as `assert`-format unit tests. Without a case
 * extractor, `test` is the sample completed to code ("assert " + sample) and `cases` is unset; with one,
 * `cases` holds its cases and `test` joins them. `response` = the sample exactly as released.
 */
export async function readCodetTests(
  samplesFile: string,
  tasksFile: string,
  options: CodetTestOptions = {},
): Promise<CodetJoined<UnitTestSample>> {
  return join_(samplesFile, tasksFile, options, (p, samples) =>
    samples.map((raw, index): UnitTestSample => {
      const base = { task_id: p.task_id, index, format: "assert" as const, response: raw };
      if (!options.extractCases) return { ...base, test: `assert ${raw}` };
      const x = options.extractCases(raw, p.task_id);
      if (x.cases.length === 0)
        return { ...base, test: null, cases: [], rejected: x.rejected ?? "no test cases" };
      return { ...base, test: x.cases.join("\n"), cases: x.cases };
    }),
  );
}

/** Read the four CodeT files from one directory (the release's names). */
export async function readCodetDir(dir: string, options: CodetSolutionOptions & CodetTestOptions = {}) {
  const solutions = await readCodetSolutions(
    join(dir, CODET_FILES.solutions),
    join(dir, CODET_FILES.solutionTasks),
    options,
  );
  const tests = await readCodetTests(join(dir, CODET_FILES.tests), join(dir, CODET_FILES.testTasks), options);
  return { solutions, tests };
}

/**
 * Write `{prompt, samples}` lines. Each sample is the record's `response` (the raw completion) when set;
 * otherwise a solution with the prompt as prefix contributes what follows the prompt.
 */
export async function writeCodetSamples(
  file: string,
  problems: Iterable<Problem>,
  samples: Iterable<SolutionSample | UnitTestSample>,
): Promise<void> {
  const prompts = new Map<string, string>();
  for (const p of problems) prompts.set(p.task_id, p.prompt);
  const lines: CodetSamples[] = [];
  for (const [task_id, list] of sortedByIndex(samples)) {
    const prompt = prompts.get(task_id);
    if (prompt === undefined) throw new CodermError("E_BAD_INPUT", "no problem has this task_id", task_id);
    lines.push({
      prompt,
      samples: list.map((s) => {
        if (s.response !== undefined) return s.response;
        const text = "solution" in s ? s.solution : s.test;
        if (text === null) return "";
        return text.startsWith(prompt) ? text.slice(prompt.length) : text;
      }),
    });
  }
  await writeJsonl(file, lines);
}
