/**
 * SandboxFusion's `POST /submit` for the two `provided_data` shapes trainers send: stdio cases
 * (`test: [{input: {stdin}, output: {stdout}}]`, as CommonOJDataset) and assert code (`test: "..."`,
 * optionally with `entry_point`, run after the completion as HumanEval's check). Comparison is
 * SandboxFusion's check_stdio_test_case: both stdouts stripped and split into lines (one trailing empty line
 * forgiven), same line count, each line compared stripped and lower-cased, numbers within 1e-5 relative.
 * Without `config.extra.run_all_cases` the answer stops at the first failing case, as theirs does.
 */
import { z } from "zod";
import { HttpError } from "./_http.js";
import { type ProgramRunner, type RunCodeResponse, sandboxError, toRunCodeResponse } from "./run-code.js";
import { solutionCode } from "./solution-code.js";

const StdioCase = z.object({
  input: z.object({ stdin: z.string() }).passthrough(),
  output: z.object({ stdout: z.string() }).passthrough(),
});

export const SubmitRequest = z.object({
  dataset: z.string().default(""),
  id: z.union([z.string(), z.number()]).default(0),
  completion: z.string(),
  config: z.object({
    language: z.string().default("python"),
    run_timeout: z.number().positive().nullish(),
    provided_data: z.object({
      test: z.union([z.string(), z.array(StdioCase)]),
      entry_point: z.string().optional(),
    }),
    extra: z.record(z.string(), z.unknown()).default({}),
  }),
});
export type SubmitRequest = z.infer<typeof SubmitRequest>;

interface EvalTestCase {
  passed: boolean;
  exec_info: RunCodeResponse;
  test_info: Record<string, unknown> | null;
}

const isFloat = (s: string) => s.trim() !== "" && Number.isFinite(Number(s));

/** SandboxFusion's stdout comparison (see the file comment). */
export function stdioMatches(actual: string, expected: string): boolean {
  let a = actual.trim().split("\n");
  let e = expected.trim().split("\n");
  if (a.length - e.length === 1 && a[a.length - 1] === "") a = a.slice(0, -1);
  if (e.length - a.length === 1 && e[e.length - 1] === "") e = e.slice(0, -1);
  if (a.length !== e.length) return false;
  return a.every((line, i) => {
    const x = line.toLowerCase().trim();
    const y = e[i]!.toLowerCase().trim();
    if (x === y) return true;
    return (
      isFloat(x) &&
      isFloat(y) &&
      Math.abs(Number(x) - Number(y)) / Math.max(Math.abs(Number(y)), 1e-10) < 1e-5
    );
  });
}

/** Stdio cases are JSON in SandboxFusion's tables; a string that parses to a case list is one too. */
function stdioCases(test: SubmitRequest["config"]["provided_data"]["test"]) {
  if (Array.isArray(test)) return test;
  const t = test.trim();
  if (!t.startsWith("[")) return undefined;
  const parsed = z.array(StdioCase).safeParse(JSON.parse(t));
  if (!parsed.success) throw new HttpError(400, "config.provided_data.test: not a list of stdio cases");
  return parsed.data;
}

export async function submit(runner: ProgramRunner, req: SubmitRequest, signal: AbortSignal) {
  const code = solutionCode(req.completion);
  const base = {
    id: req.id,
    extracted_code: code,
    extracted_type: code === req.completion ? "heuristic" : "fenced",
  };
  if (!["python", "python3"].includes(req.config.language)) {
    const err = sandboxError(`language "${req.config.language}" is not supported (python only)`);
    return { ...base, accepted: false, tests: [{ passed: false, exec_info: err, test_info: null }] };
  }
  const timeoutMs = Math.round((req.config.run_timeout ?? 20) * 1000);
  const data = req.config.provided_data;
  const cases = stdioCases(data.test);
  if (!cases) {
    const testCode = data.entry_point ? `${data.test}\ncheck(${data.entry_point})\n` : data.test;
    const full = `${code}\n${testCode}`;
    const r = toRunCodeResponse(await runner.runProgram({ code: full, timeoutMs, signal }));
    const t: EvalTestCase = { passed: r.status === "Success", exec_info: r, test_info: null };
    return { ...base, accepted: t.passed, full_code: full, test_code: testCode, tests: [t] };
  }
  const runAll = req.config.extra.run_all_cases === true;
  const results = await runner.runProgramCases({
    code,
    cases: cases.map((c) => ({ stdin: c.input.stdin })),
    stopAtFirstFailure: !runAll,
    timeoutMs,
    signal,
  });
  const tests: EvalTestCase[] = [];
  for (const [i, res] of results.entries()) {
    if (!res.result) break; // skipped after a failure
    const exec = toRunCodeResponse(res.result);
    const passed =
      exec.status === "Success" && stdioMatches(exec.run_result?.stdout ?? "", cases[i]!.output.stdout);
    tests.push({ passed, exec_info: exec, test_info: cases[i]! });
    if (!passed && !runAll) break;
  }
  return { ...base, accepted: tests.length === cases.length && tests.every((t) => t.passed), tests };
}
