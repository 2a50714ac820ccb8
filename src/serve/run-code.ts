/**
 * SandboxFusion's `POST /run_code` on the sandbox's program kind. Field names and status strings are
 * SandboxFusion's (verl's sandbox_fusion client reads `status`, `run_result.status`, `return_code`,
 * `stdout`). Differences, on purpose: stdout comes back whole up to the cap and `run_result.truncated`
 * says when it did not (SandboxFusion cut ~160 KB silently and answered Success); a program over its
 * memory limit reports `MemoryLimitExceeded` when the server runs with `memoryStatus`, and otherwise
 * SandboxFusion's `Finished` with a non-zero return code. `fetch_files` (paths relative to the program's
 * cwd) come back in `files` as base64 after the run, a missing one left out, as SandboxFusion does; they are
 * read when the program ends normally (return, exit, uncaught exception), so a program that ends by
 * `os._exit` or a signal returns none.
 */
import type {
  ProgramCaseResult,
  ProgramCasesRequest,
  ProgramRequest,
  ProgramResult,
} from "../sandbox/index.js";
import type { RunCodeRequest } from "./schemas.js";

export interface ProgramRunner {
  runProgram(req: ProgramRequest): Promise<ProgramResult>;
  runProgramCases(req: ProgramCasesRequest): Promise<ProgramCaseResult[]>;
}

export interface RunCodeOptions {
  /** Report `MemoryLimitExceeded` instead of SandboxFusion's `Finished` + non-zero code. */
  memoryStatus?: boolean;
}

type RunStatus = "Finished" | "Error" | "TimeLimitExceeded" | "MemoryLimitExceeded";

export interface RunCodeResponse {
  status: "Success" | "Failed" | "SandboxError";
  message: string;
  compile_result: null;
  run_result: {
    status: RunStatus;
    execution_time: number;
    return_code: number | null;
    stdout: string;
    stderr: string;
    truncated: boolean;
  } | null;
  files: Record<string, string>;
}

const PYTHON = new Set(["python", "python3"]);

export function sandboxError(message: string): RunCodeResponse {
  return { status: "SandboxError", message, compile_result: null, run_result: null, files: {} };
}

export async function runCode(
  runner: ProgramRunner,
  req: RunCodeRequest,
  signal: AbortSignal,
  opts: RunCodeOptions = {},
): Promise<RunCodeResponse> {
  if (!PYTHON.has(req.language))
    return sandboxError(`language "${req.language}" is not supported (python only)`);
  const bad = req.fetch_files.find((f) => f === "" || f.startsWith("/") || f.split("/").includes(".."));
  if (bad !== undefined)
    return sandboxError(
      `fetch_files: ${JSON.stringify(bad)} must be a relative path inside the working directory`,
    );
  const files: Record<string, Uint8Array> = {};
  for (const [path, b64] of Object.entries(req.files)) {
    if (b64 !== null) files[path] = Buffer.from(b64, "base64");
  }
  const r = await runner.runProgram({
    code: req.code,
    stdin: req.stdin ?? "",
    timeoutMs: Math.round(req.run_timeout * 1000),
    memoryMb: req.memory_limit_MB > 0 ? req.memory_limit_MB : undefined,
    files,
    fetchFiles: req.fetch_files,
    signal,
  });
  return toRunCodeResponse(r, opts);
}

/** One program result in SandboxFusion's response shape. */
export function toRunCodeResponse(r: ProgramResult, opts: RunCodeOptions = {}): RunCodeResponse {
  const status = runStatus(r, opts);
  const returnCode = r.exitCode ?? (r.signal !== null ? -r.signal : null);
  const ok = status === "Finished" && returnCode === 0;
  return {
    status: ok ? "Success" : "Failed",
    message: ok ? "" : failMessage(r),
    compile_result: null,
    run_result: {
      status,
      execution_time: r.timeMs / 1000,
      return_code: returnCode,
      stdout: r.stdout ?? "",
      stderr: r.stderr,
      truncated: r.truncated,
    },
    files: r.files ?? {},
  };
}

function runStatus(r: ProgramResult, opts: RunCodeOptions): RunStatus {
  switch (r.status) {
    case "timeout":
      return "TimeLimitExceeded";
    case "memory":
      return opts.memoryStatus ? "MemoryLimitExceeded" : "Finished";
    default:
      return "Finished";
  }
}

function failMessage(r: ProgramResult): string {
  if (r.status === "timeout") return "time limit exceeded";
  if (r.status === "memory") return "memory limit exceeded";
  if (r.status === "crash") return `killed by signal ${r.signal ?? "?"}`;
  return `exit code ${r.exitCode}`;
}
