/**
 * The `program` kind's wire shapes: a whole program with stdin, run in a fresh candidate per case; the judge
 * (harness/kinds/program.py) drains stdout/stderr and compares with expected outputs the candidate never sees.
 */
import { CodermError } from "../errors.js";
import { VERDICTS, type Verdict } from "../records.js";
import type { ProgramCaseResult, ProgramCasesRequest, ProgramResult, ProgramStatus } from "./types.js";
import type { Job, WorkerResult } from "./worker.js";

/** Seconds a case may spend before its program starts and after it ends (spawn, drain, reap). */
const CASE_SLACK_S = 5;
const STATUSES = new Set<string>(["ok", "error", "timeout", "memory", "crash"]);
const VERDICT_SET = new Set<string>(VERDICTS);

function filesOnWire(files: ProgramCasesRequest["files"]): Record<string, string> | undefined {
  if (!files) return undefined;
  const out: Record<string, string> = {};
  for (const [name, data] of Object.entries(files)) {
    if (name === "" || name.startsWith("/") || name.split("/").includes(".."))
      throw new CodermError(
        "E_BAD_INPUT",
        `${JSON.stringify(name)} must be a relative path inside the working directory`,
        "files",
      );
    out[name] = Buffer.from(typeof data === "string" ? Buffer.from(data, "utf8") : data).toString("base64");
  }
  return out;
}

function positive(name: string, v: number | undefined): void {
  if (v !== undefined && !(Number.isFinite(v) && v > 0))
    throw new CodermError("E_BAD_INPUT", `must be a positive number (got ${v})`, name);
}

/** The worker job for a batch of cases, and the silence after which the worker counts as hung. */
export function programJob(id: number, req: ProgramCasesRequest): { job: Job; idleMs: number } {
  if (typeof req.code !== "string") throw new CodermError("E_BAD_INPUT", "must be a string", "code");
  positive("timeoutMs", req.timeoutMs);
  positive("memoryMb", req.memoryMb);
  positive("outputCapBytes", req.outputCapBytes);
  const timeout = (req.timeoutMs ?? 2000) / 1000;
  const job: Job = {
    op: "job",
    id,
    kind: "program",
    program: req.code,
    tests: req.cases.map((c, i) => ({
      key: String(i),
      stdin: c.stdin,
      ...(c.expected === undefined ? {} : { expected: c.expected }),
    })),
    timeout,
    hard_timeout: timeout + CASE_SLACK_S,
    memory_mb: req.memoryMb ?? null,
    files: filesOnWire(req.files),
    out_cap: req.outputCapBytes ?? null,
    compare: req.compare ?? "lines",
    stop_at_first_failure: req.stopAtFirstFailure ?? false,
  };
  return { job, idleMs: (timeout + CASE_SLACK_S) * 1000 + 15_000 };
}

interface WireProgram {
  status: string;
  exit_code: number | null;
  signal: number | null;
  stdout: string | null;
  stderr: string;
  truncated: boolean;
  stderr_truncated: boolean;
  time_ms: number;
  cpu_ms: number;
  max_rss_kb: number;
}

/** A worker result line of the program kind as a case result (a judge that died: `crash` with its reason). */
export function programCase(r: WorkerResult): ProgramCaseResult {
  const raw = r as WorkerResult & { program?: WireProgram; skipped?: boolean };
  const verdict = (VERDICT_SET.has(r.verdict) ? r.verdict : "crash") as Verdict;
  if (raw.skipped) return { verdict, passed: false, skipped: true };
  const p = raw.program;
  const result: ProgramResult = p
    ? {
        status: (STATUSES.has(p.status) ? p.status : "crash") as ProgramStatus,
        exitCode: p.exit_code,
        signal: p.signal,
        stdout: p.stdout,
        stderr: p.stderr,
        truncated: p.truncated,
        stderrTruncated: p.stderr_truncated,
        timeMs: p.time_ms,
        cpuMs: p.cpu_ms,
        maxRssKb: p.max_rss_kb,
      }
    : crashed(r.stderr ?? "no result");
  return { verdict, passed: verdict === "pass", result };
}

export function crashed(why: string): ProgramResult {
  return {
    status: "crash",
    exitCode: null,
    signal: null,
    stdout: "",
    stderr: why,
    truncated: false,
    stderrTruncated: false,
    timeMs: 0,
    cpuMs: 0,
    maxRssKb: 0,
  };
}
