import type { CaseResult, TestFormat, Verdict } from "../records.js";

/** One (solution, test) pair to execute. For `assert`, `test` is assert lines or an array of cases. */
export interface PairInput {
  id: string;
  solution: string;
  test: string | string[];
  format: TestFormat;
}

/** The verdict of one pair. `passed` is true only for `pass`. */
export interface PairOutcome {
  id: string;
  verdict: Verdict;
  passed: boolean;
  cases?: CaseResult[];
  duration_ms?: number;
  stderr?: string;
}

export interface SandboxOptions {
  /** Worker processes (default: number of CPUs, at least 1). */
  workers?: number;
  /** Seconds per pair for `unittest` (default 1, the reference's alarm). */
  timeout?: number;
  /** Seconds per assert case for `assert` (default 0.1, CodeT). */
  assertTimeout?: number;
  /** Keep per-case results and stderr; without it a pair stops at its first failing case. */
  details?: boolean;
  /** A fresh candidate process per pair (the reference's shape), even for solutions proven stateless. */
  parity?: boolean;
  /**
   * Reference verdicts: solution + test run in one interpreter and the candidate reports `wasSuccessful()`
   * itself, as CodeRM's executor does. FORGEABLE (a solution can make itself pass); for parity studies only.
   * Default false: the judge/candidate split decides every verdict.
   */
  referenceVerdicts?: boolean;
  /** Deprecated: `hardened: false` is `referenceVerdicts: true` (the split replaced assertion rewriting). */
  hardened?: boolean;
  /** Count skipped test methods as passed, like the reference's `wasSuccessful()` (default false). */
  skipIsPass?: boolean;
  /** Throw `E_ISOLATION` when any isolation layer is missing. */
  requireIsolation?: boolean;
  /** Use bubblewrap: "auto" (default) when it works here, true to require it, false to skip it. */
  bwrap?: boolean | "auto";
  /** Address-space limit per sandboxed process in bytes (default 4 GiB). */
  addressSpace?: number;
  /** Max processes for the sandbox uid (default 256). */
  nproc?: number;
  /** Max bytes per written file (default 64 MiB). */
  fileSize?: number;
  /** Tests sent per job (default 50): one child loads the solution once for them. */
  batchSize?: number;
  /** Python interpreter (default /usr/bin/python3). */
  python?: string;
  /** Extra kind plugins (paths to .py files) copied next to the built-in kinds. */
  extraKinds?: string[];
  /** Kill a worker that stays silent this long (default: twice the per-pair limit plus 15 s). */
  workerSilenceMs?: number;
  /** Run candidates in their own namespaces (default true; false only to measure what they cost). */
  candidateNamespaces?: boolean;
  /** Called after each outcome with (done, total) for progress displays. */
  onProgress?: (done: number, total: number) => void;
}

export interface IsolationLayer {
  ok: boolean;
  why: string;
}

export interface IsolationReport {
  /** `strong` when every layer is in place. */
  level: "strong" | "weak";
  layers: Record<string, IsolationLayer>;
  python: string;
}

/** Options of one `Sandbox.run` call. */
export interface RunOptions {
  /** Aborting drops this call's pairs not yet started; the iterator then throws the signal's reason. */
  signal?: AbortSignal;
}

/**
 * Anything that executes pairs: the local `Sandbox`, or `QueueExecutor` (BullMQ on Redis, src/queue).
 * Front doors (`coderm exec|run|serve`) take one and do not care which. Outcomes arrive as they
 * complete; aborting `signal` drops the caller's pairs that have not run yet.
 */
export interface PairExecutor {
  run(pairs: Iterable<PairInput>, opts?: RunOptions): AsyncIterable<PairOutcome>;
  close(): Promise<void>;
  readonly isolation?: IsolationReport;
}

/** How a program run ended: `memory` is the memory limit (a MemoryError or an allocation the kernel refused). */
export type ProgramStatus = "ok" | "error" | "timeout" | "memory" | "crash";

/** One whole Python program run with stdin (`Sandbox.runProgram`). */
export interface ProgramRequest {
  code: string;
  stdin?: string;
  /** Wall-clock limit from the program's first statement (default 2000). */
  timeoutMs?: number;
  /** Memory the program may allocate on top of the interpreter's own address space (default: no extra cap). */
  memoryMb?: number;
  /** Files written into the program's working directory first (relative paths; strings as UTF-8). */
  files?: Record<string, string | Uint8Array>;
  /** Bytes of stdout kept (default 32 MiB); beyond it `truncated` is true and the rest is dropped. */
  outputCapBytes?: number;
  /** Files to return after the run (relative paths): `result.files`, base64; missing ones are left out. */
  fetchFiles?: string[];
  signal?: AbortSignal;
}

export interface ProgramResult {
  status: ProgramStatus;
  /** Null when the program was killed by a signal (see `signal`). */
  exitCode: number | null;
  signal: number | null;
  /** Whole stdout up to the cap (decoded as UTF-8). Null in a batch case that passed its comparison. */
  stdout: string | null;
  stderr: string;
  /** True when stdout went past the cap: `stdout` is then its first `outputCapBytes` bytes. */
  truncated: boolean;
  stderrTruncated: boolean;
  /** Wall time from the program's first statement to its exit, as the judge measured it. */
  timeMs: number;
  /** CPU time (user + system) and peak RSS, as the kernel reported them to the candidate's parent. */
  cpuMs: number;
  maxRssKb: number;
  /** With `fetchFiles`: the files the program left at those paths, base64 (up to the output cap in all). */
  files?: Record<string, string>;
}

/** Many stdin cases of one program; each case runs in a fresh candidate and the judge compares. */
export interface ProgramCasesRequest extends Omit<ProgramRequest, "stdin"> {
  cases: { stdin: string; expected?: string }[];
  /** `lines` (default): trailing whitespace per line and trailing blank lines ignored; `tokens`; `exact`. */
  compare?: "exact" | "lines" | "tokens";
  /** After the first case that does not pass, the rest are `skipped` (not run). */
  stopAtFirstFailure?: boolean;
}

export interface ProgramCaseResult {
  /** `pass` when the program exited 0 and (when `expected` was given) its stdout matched. */
  verdict: Verdict;
  passed: boolean;
  skipped?: boolean;
  result?: ProgramResult;
}
