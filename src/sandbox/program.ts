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

function fetchList(names: string[] | undefined): string[] | undefined {
  if (!names || names.length === 0) return undefined;
  for (const name of names)
    if (name === "" || name.startsWith("/") || name.split("/").includes(".."))
      throw new CodermError(
        "E_BAD_INPUT",
        `${JSON.stringify(name)} must be a relative path inside the working directory`,
        "fetchFiles",
      );
  return names;
}

/** One program's options on the wire (everything but its cases), checked; throws E_BAD_INPUT naming the field. */
function programItem(req: ProgramCasesRequest): { item: Record<string, unknown>; timeout: number } {
  if (typeof req.code !== "string") throw new CodermError("E_BAD_INPUT", "must be a string", "code");
  positive("timeoutMs", req.timeoutMs);
  positive("memoryMb", req.memoryMb);
  positive("outputCapBytes", req.outputCapBytes);
  const timeout = (req.timeoutMs ?? 2000) / 1000;
  const fetch = fetchList(req.fetchFiles);
  const item = {
    program: req.code,
    timeout,
    memory_mb: req.memoryMb ?? null,
    files: filesOnWire(req.files),
    out_cap: req.outputCapBytes ?? null,
    compare: req.compare ?? "lines",
    stop_at_first_failure: req.stopAtFirstFailure ?? false,
    ...(fetch ? { fetch } : {}),
  };
  return { item, timeout };
}

const wireCase = (c: { stdin: string; expected?: string }) => ({
  stdin: c.stdin,
  ...(c.expected === undefined ? {} : { expected: c.expected }),
});

/** The worker job for a batch of cases, and the silence after which the worker counts as hung. */
export function programJob(id: number, req: ProgramCasesRequest): { job: Job; idleMs: number } {
  const { item, timeout } = programItem(req);
  const job: Job = {
    op: "job",
    id,
    kind: "program",
    ...item,
    tests: req.cases.map((c, i) => ({ key: String(i), ...wireCase(c) })),
    hard_timeout: timeout + CASE_SLACK_S,
  };
  return { job, idleMs: (timeout + CASE_SLACK_S) * 1000 + 15_000 };
}

/**
 * Several programs' cases as one worker job (one judge for all; each case still a fresh candidate). Keys are
 * `<program index>:<case index>`.
 */
export function programBatchJob(
  id: number,
  items: { item: Record<string, unknown>; timeout: number; cases: ProgramCasesRequest["cases"] }[],
): { job: Job; idleMs: number } {
  const timeout = Math.max(...items.map((x) => x.timeout));
  const job: Job = {
    op: "job",
    id,
    kind: "program",
    items: items.map((x) => x.item),
    tests: items.flatMap((x, b) => x.cases.map((c, i) => ({ key: `${b}:${i}`, item: b, ...wireCase(c) }))),
    hard_timeout: timeout + CASE_SLACK_S,
  };
  return { job, idleMs: (timeout + CASE_SLACK_S) * 1000 + 15_000 };
}

/** Runs one job on a worker of its own (the pool's `exclusive`): a worker that died gives its message. */
export type DispatchJob = (
  job: Job,
  onResult: (r: WorkerResult) => void,
  idleMs: number,
  signal?: AbortSignal,
) => Promise<string | undefined>;

interface Pending {
  req: ProgramCasesRequest;
  item: Record<string, unknown>;
  timeout: number;
  retried: boolean;
  settled: boolean;
  resolve(r: ProgramCaseResult[]): void;
  reject(e: unknown): void;
}

/**
 * Programs of concurrent requests share worker jobs. A request that finds a worker free is sent at once (no
 * added latency); requests that arrive while every worker is busy wait here and go out together when one
 * frees, so one judge fork and one Node<->worker round trip serve many programs. Isolation is per case as
 * before: each case runs in a fresh candidate. A request aborted while queued leaves the queue; a batch is
 * killed only when every request in it was aborted (the others' programs are bounded by their limits). A
 * batch whose worker died is retried once, for the requests that got no result at all.
 */
export class ProgramBatcher {
  private readonly queue: Pending[] = [];
  private running = 0;

  constructor(
    private readonly dispatch: DispatchJob,
    private readonly slots: () => number,
    private readonly nextId: () => number,
    /** Most cases in one job, so one batch cannot hold a worker for long. */
    private readonly maxCases = 64,
  ) {}

  run(req: ProgramCasesRequest): Promise<ProgramCaseResult[]> {
    req.signal?.throwIfAborted();
    const { item, timeout } = programItem(req);
    if (req.cases.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      const p: Pending = { req, item, timeout, retried: false, settled: false, resolve, reject };
      req.signal?.addEventListener(
        "abort",
        () => {
          const at = this.queue.indexOf(p);
          if (at >= 0) this.queue.splice(at, 1);
          this.settle(p, () => reject(req.signal?.reason));
        },
        { once: true },
      );
      this.queue.push(p);
      this.pump();
    });
  }

  private settle(p: Pending, f: () => void): void {
    if (p.settled) return;
    p.settled = true;
    f();
  }

  private pump(): void {
    while (this.running < this.slots() && this.queue.length > 0) {
      // Share what waits among the free workers rather than handing it all to the first.
      const share = Math.ceil(this.queue.length / Math.max(1, this.slots() - this.running));
      const batch: Pending[] = [];
      let cases = 0;
      while (this.queue.length > 0 && batch.length < share) {
        const next = this.queue[0]!;
        if (batch.length > 0 && cases + next.req.cases.length > this.maxCases) break;
        batch.push(this.queue.shift()!);
        cases += next.req.cases.length;
      }
      this.running++;
      this.send(batch)
        .catch((e: unknown) => {
          for (const p of batch) this.settle(p, () => p.reject(e));
        })
        .finally(() => {
          this.running--;
          this.pump();
        });
    }
  }

  private async send(batch: Pending[]): Promise<void> {
    const { job, idleMs } = programBatchJob(
      this.nextId(),
      batch.map((p) => ({ item: p.item, timeout: p.timeout, cases: p.req.cases })),
    );
    const out = batch.map((p) => p.req.cases.map((): ProgramCaseResult | undefined => undefined));
    const onResult = (r: WorkerResult) => {
      const [b, i] = r.key.split(":").map(Number);
      const row = out[b ?? -1];
      if (row && i !== undefined && i < row.length) row[i] = programCase(r);
    };
    // The batch stops spending only when nobody is waiting for it any more.
    const all = new AbortController();
    const live = () => batch.some((p) => !p.settled);
    for (const p of batch)
      p.req.signal?.addEventListener("abort", () => live() || all.abort(), { once: true });
    if (!live()) return;
    const died = await this.dispatch(job, onResult, idleMs, all.signal);
    batch.forEach((p, b) => {
      const row = out[b]!;
      if (died !== undefined && !all.signal.aborted && !p.retried && row.every((o) => o === undefined)) {
        p.retried = true;
        this.queue.unshift(p);
        return;
      }
      const why = died ?? "the worker gave no result";
      this.settle(p, () =>
        p.resolve(row.map((o) => o ?? { verdict: "crash", passed: false, result: crashed(why) })),
      );
    });
  }
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
  files?: Record<string, string>;
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
        ...(p.files ? { files: p.files } : {}),
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
