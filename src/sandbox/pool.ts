import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { CodermError } from "../errors.js";
import { type CaseResult, VERDICTS, type Verdict } from "../records.js";
import { buildReport, DEFAULT_PYTHON, prepareHarness, probeBwrap, SHARE_MOUNT } from "./isolation.js";
import { OutcomeQueue, type PendingJob, planJobs, type Unit } from "./pair-jobs.js";
import { crashed, ProgramBatcher } from "./program.js";
import { stageShared } from "./share.js";
import type {
  IsolationReport,
  PairInput,
  PairOutcome,
  ProgramCaseResult,
  ProgramCasesRequest,
  ProgramRequest,
  ProgramResult,
  RunOptions,
  SandboxOptions,
} from "./types.js";
import { type Job, WorkerDied, WorkerProcess, type WorkerResult, type WorkerSpawnOptions } from "./worker.js";

const VERDICT_SET = new Set<string>(VERDICTS);
/** Jobs in flight per worker (bench:exec rl at load ~3: a job's end → the next job's start gap was ≈ 0.2 ms/pair). */
const PIPELINE = 2;

type LoadFailure = Omit<PairOutcome, "id">;

export type CallOutcome = { ok: true; result: unknown } | { ok: false; error: string };

export class Sandbox {
  private closed = false;
  private idle: number[] = [];
  private waiters: ((slot: number) => void)[] = [];
  private jobSeq = 0;
  private readonly loadFailures = new Map<string, LoadFailure>();
  /** Counters of workers that were replaced (so `stats` does not lose them). */
  private retired: Record<string, number> = {};
  /** Concurrent runProgram calls share worker jobs (serve's /run_code): see ProgramBatcher. */
  private readonly programs = new ProgramBatcher(
    (job, onResult, idleMs, signal) => this.exclusive(job, onResult, idleMs, signal),
    () => this.workers.length,
    () => ++this.jobSeq,
  );

  private constructor(
    private readonly opts: Required<
      Omit<SandboxOptions, "onProgress" | "extraKinds" | "workerSilenceMs" | "candidateNamespaces">
    > &
      SandboxOptions,
    readonly isolation: IsolationReport,
    private readonly workers: WorkerProcess[],
    private readonly spawnOpts: WorkerSpawnOptions,
  ) {
    // Each worker takes PIPELINE jobs at once: the next is in its input when one ends, so it never waits for us.
    this.idle = Array.from({ length: PIPELINE }, () => workers.map((_, i) => i)).flat();
  }

  private acquire(): Promise<number> {
    const slot = this.idle.pop();
    if (slot !== undefined) return Promise.resolve(slot);
    return new Promise((r) => this.waiters.push(r));
  }

  private release(slot: number): void {
    const w = this.waiters.shift();
    if (w) w(slot);
    else this.idle.push(slot);
  }

  /**
   * Cumulative cost counters summed over the workers (harness side, milliseconds and counts): jobs/job_ms (worker
   * time per job), children/child_ms (judge processes, fork to reap), judge_run_ms (inside the kind),
   * candidates, spawn_ms (zygote clone until the socket answers), load_ms, kill_ms, round_trips/round_trip_ms
   * (judge → candidate calls), memo_hits, pairs/pair_ms (judge time per unittest pair). bench:exec --breakdown
   * turns them into µs per solution and per test.
   */
  get stats(): Record<string, number> {
    const out: Record<string, number> = { ...this.retired };
    for (const w of this.workers)
      for (const [k, v] of Object.entries(w.stats)) if (typeof v === "number") out[k] = (out[k] ?? 0) + v;
    return out;
  }

  private retire(w: WorkerProcess): void {
    for (const [k, v] of Object.entries(w.stats))
      if (typeof v === "number") this.retired[k] = (this.retired[k] ?? 0) + v;
  }

  /** Replace the worker in `slot` if it is still `dead` (the other jobs it had in flight ask too). */
  private async replaceWorker(slot: number, dead: WorkerProcess): Promise<void> {
    const current = this.workers[slot]!;
    if (current !== dead) {
      await current.hello.catch(() => {});
      return;
    }
    this.retire(dead);
    dead.kill();
    const fresh = new WorkerProcess(this.spawnOpts);
    this.workers[slot] = fresh;
    await fresh.hello;
  }

  /**
   * Run one job of a kind called with one `call` (the label kinds, in the worker's judge; or a child-side
   * plugin whose `run(job, ctx)` returns a JSON-able result, in a forked, isolated child of a pool worker);
   * killed after `timeoutMs`.
   */
  async call(kind: string, job: Record<string, unknown>, timeoutMs: number): Promise<CallOutcome> {
    let got: CallOutcome = { ok: false, error: "no result" };
    const wire: Job = { op: "job", id: ++this.jobSeq, kind, call: job, timeout: timeoutMs / 1000 };
    const died = await this.exclusive(
      wire,
      (r) => {
        const raw = r as unknown as { ok?: boolean; result?: unknown; error?: string };
        // A judge-side kind's judge that died or was killed reports a verdict instead of a reply.
        const lost = r.verdict === "timeout" ? "timeout" : `crash: ${(r.stderr ?? "").slice(0, 500)}`;
        got = raw.ok ? { ok: true, result: raw.result } : { ok: false, error: raw.error ?? lost };
      },
      timeoutMs + 15_000,
    );
    return died === undefined ? got : { ok: false, error: `crash: ${died.slice(0, 500)}` };
  }

  /** Run one job on a worker of its own; a worker that dies is replaced and its message returned. */
  private async exclusive(
    wire: Job,
    onResult: (r: WorkerResult) => void,
    idleMs: number,
    signal?: AbortSignal,
  ): Promise<string | undefined> {
    if (this.closed) throw new CodermError("E_SANDBOX", "sandbox is closed");
    const slot = await this.acquire();
    // Aborting stops spending at once: the worker running this job is killed (and replaced).
    const onAbort = () => this.workers[slot]!.kill();
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      // A job queued behind one that killed its worker never started: it runs again on the fresh worker.
      for (let tries = 0; ; tries++) {
        if (signal?.aborted) return "aborted";
        const w = this.workers[slot]!;
        try {
          await w.run(wire, onResult, idleMs);
          return undefined;
        } catch (e) {
          if (!(e instanceof WorkerDied)) throw e;
          if (!this.closed) await this.replaceWorker(slot, w);
          if (e.started || tries > 0 || this.closed) return e.message;
        }
      }
    } finally {
      signal?.removeEventListener("abort", onAbort);
      this.release(slot);
    }
  }

  /**
   * Run one whole Python program with `stdin` in a fresh candidate: stdout whole up to the cap (`truncated`
   * says when not), stderr, exit code, wall and CPU time; `status` `memory` when it hit `memoryMb`.
   */
  async runProgram(req: ProgramRequest): Promise<ProgramResult> {
    const [one] = await this.runProgramCases({ ...req, cases: [{ stdin: req.stdin ?? "" }] });
    return one?.result ?? crashed("no result");
  }

  /**
   * Run one program on many stdin cases (a fresh candidate each); the judge compares stdout with each case's
   * `expected`, which never reaches the program. Results in case order.
   */
  async runProgramCases(req: ProgramCasesRequest): Promise<ProgramCaseResult[]> {
    return this.programs.run(req);
  }

  /**
   * Make a host file readable to jobs, read-only; returns the path jobs open it by. The file is
   * hard-linked (or copied) into the sandbox's share folder, which bubblewrap binds at /share: the
   * sandbox uid could not reach it in place (e.g. under /root), and jobs see nothing else of the host.
   * Used for large job inputs such as expected outputs, which would otherwise travel inside every job.
   */
  share(path: string): string {
    const name = stageShared(this.spawnOpts.shareDir as string, path);
    return this.spawnOpts.bwrap ? `${SHARE_MOUNT}/${name}` : join(this.spawnOpts.shareDir as string, name);
  }

  /** An executor for a kind called job by job (e.g. the `labels` kind): `run(job, timeoutMs)` → CallOutcome. */
  executor(kind: string): {
    concurrency: number;
    run: (job: Record<string, unknown>, timeoutMs: number) => Promise<CallOutcome>;
    share: (path: string) => string;
    close: () => Promise<void>;
  } {
    return {
      concurrency: this.workers.length,
      // A job may name its own kind (e.g. EvalPlus labels run on the judge-side `label_evalplus`).
      run: (job, t) => this.call(typeof job.kind === "string" ? job.kind : kind, job, t),
      share: (path) => this.share(path),
      close: () => this.close(),
    };
  }

  /** Start K warm workers and measure isolation; `requireIsolation` makes weak isolation an error. */
  static async start(options: SandboxOptions = {}): Promise<Sandbox> {
    const opts = {
      workers: Math.max(1, availableParallelism()),
      timeout: 1,
      assertTimeout: 0.1,
      details: false,
      parity: false,
      hardened: true,
      referenceVerdicts: false,
      skipIsPass: false,
      requireIsolation: false,
      bwrap: "auto" as boolean | "auto",
      addressSpace: 4 * 1024 ** 3,
      nproc: 256,
      fileSize: 64 * 1024 ** 2,
      batchSize: 50,
      python: DEFAULT_PYTHON,
      // An explicit `undefined` (e.g. an absent CLI flag) keeps the default.
      ...(Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as SandboxOptions),
    };
    const harnessDir = prepareHarness(options.extraKinds);
    const bw = opts.bwrap === false ? { ok: false, why: "disabled (bwrap: false)" } : probeBwrap(opts.python);
    if (opts.bwrap === true && !bw.ok) throw new CodermError("E_ISOLATION", bw.why, "bwrap");
    // The sandbox uid must be able to open it for bubblewrap to bind it.
    const shareDir = mkdtempSync(join(tmpdir(), "coderm-share-"));
    chmodSync(shareDir, 0o755);
    const spawnOpts: WorkerSpawnOptions = {
      harnessDir,
      python: opts.python,
      bwrap: bw.ok,
      shareDir,
      limits: {
        address_space: opts.addressSpace,
        nproc: opts.nproc,
        file_size: opts.fileSize,
        cpu_seconds: Math.ceil(opts.timeout * 2 * opts.batchSize + 10),
      },
      extra: { candidate_namespaces: opts.candidateNamespaces !== false },
    };
    const workers = Array.from({ length: opts.workers }, () => new WorkerProcess(spawnOpts));
    let hellos: Awaited<WorkerProcess["hello"]>[];
    try {
      hellos = await Promise.all(workers.map((w) => w.hello));
    } catch (e) {
      for (const w of workers) w.kill();
      rmSync(shareDir, { recursive: true, force: true });
      throw e;
    }
    const report = buildReport(bw, hellos[0]!.isolation, hellos[0]!.python);
    if (opts.requireIsolation && report.level !== "strong") {
      for (const w of workers) w.kill();
      rmSync(shareDir, { recursive: true, force: true });
      const missing = Object.entries(report.layers)
        .filter(([, l]) => !l.ok)
        .map(([k, l]) => `${k} (${l.why})`);
      throw new CodermError("E_ISOLATION", `isolation is weak: missing ${missing.join(", ")}`);
    }
    return new Sandbox(opts, report, workers, spawnOpts);
  }

  /**
   * Execute pairs; outcomes arrive as they complete (not in input order). Aborting `signal` drops the pairs
   * not yet started and makes the iterator throw the signal's reason (jobs already running finish unseen).
   */
  // Long: an async generator's dispatch, collect and abort paths must share one frame (its queue, in-flight jobs and signal listener).
  async *run(pairs: Iterable<PairInput>, runOpts: RunOptions = {}): AsyncGenerator<PairOutcome> {
    if (this.closed) throw new CodermError("E_SANDBOX", "sandbox is closed");
    const { signal } = runOpts;
    signal?.throwIfAborted();
    const { queue, total } = planJobs(pairs, this.opts.parity ? 1 : this.opts.batchSize);

    const out = new OutcomeQueue();
    let done = 0;
    const deliver = (u: Unit, o: LoadFailure) => {
      for (const id of u.ids) {
        out.push({ id, ...o });
        done++;
        this.opts.onProgress?.(done, total);
      }
    };
    const onAbort = () => {
      queue.length = 0;
      out.push({ id: "\0abort", verdict: "crash", passed: false });
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    const loop = async () => {
      while (queue.length > 0 && !this.closed && !signal?.aborted) {
        const known = this.loadFailures.get(queue[0]!.solutionKey);
        if (known) {
          for (const u of queue.shift()!.units) deliver(u, known);
          continue;
        }
        const slot = await this.acquire();
        const job = queue.shift();
        try {
          if (job) await this.runJob(slot, job, deliver, queue);
        } finally {
          this.release(slot);
        }
      }
    };
    const running = Promise.all(Array.from({ length: this.workers.length * PIPELINE }, () => loop())).then(
      () => out.push({ id: "\0end", verdict: "crash", passed: false }),
      (e: unknown) => out.push({ id: "\0error", verdict: "crash", passed: false, stderr: String(e) }),
    );
    try {
      for (;;) {
        const o = await out.next();
        if (!o) continue;
        if (o.id === "\0abort") throw signal?.reason ?? new Error("aborted");
        if (o.id === "\0end") break;
        if (o.id === "\0error") {
          await running;
          throw new CodermError("E_SANDBOX", o.stderr ?? "sandbox failed");
        }
        if (signal?.aborted) continue;
        yield o;
      }
    } finally {
      signal?.removeEventListener("abort", onAbort);
    }
    await running;
    if (signal?.aborted) throw signal.reason;
    if (this.closed && done < total)
      throw new CodermError("E_INTERRUPTED", `stopped after ${done}/${total} pairs`);
  }

  private async runJob(
    slot: number,
    job: PendingJob,
    deliver: (u: Unit, o: LoadFailure) => void,
    queue: PendingJob[],
  ): Promise<void> {
    const first = job.units[0]!;
    const isAssert = first.format === "assert";
    const t = isAssert ? this.opts.assertTimeout : this.opts.timeout;
    const maxCases = isAssert ? Math.max(1, ...job.units.map((u) => u.cases!.length)) : 1;
    const hard = 2 * t * maxCases + 0.5;
    const id = ++this.jobSeq;
    const wire: Job = {
      op: "job",
      id,
      kind: first.format,
      solution: first.solution,
      tests: job.units.map((u) =>
        isAssert ? { key: u.key, cases: u.cases! } : { key: u.key, test: u.test! },
      ),
      timeout: t,
      hard_timeout: hard,
      details: this.opts.details,
      parity: this.opts.parity,
      reference: this.opts.referenceVerdicts || this.opts.hardened === false,
      skip_is_pass: this.opts.skipIsPass,
    };
    const byKey = new Map(job.units.map((u) => [u.key, u]));
    const onResult = (r: WorkerResult) => {
      const u = byKey.get(r.key);
      if (!u) return;
      byKey.delete(r.key);
      const verdict = (VERDICT_SET.has(r.verdict) ? r.verdict : "crash") as Verdict;
      const o: LoadFailure = { verdict, passed: verdict === "pass", duration_ms: r.ms };
      if (this.opts.details || verdict !== "pass") {
        if (r.cases) o.cases = r.cases.map(([name, v]): CaseResult => ({ name, verdict: v as Verdict }));
        if (r.stderr) o.stderr = r.stderr;
      }
      if (r.load_failure) this.loadFailures.set(job.solutionKey, { ...o, duration_ms: 0 });
      deliver(u, o);
    };
    const w = this.workers[slot]!;
    try {
      await w.run(wire, onResult, this.opts.workerSilenceMs ?? hard * 1000 + 15_000);
      for (const u of byKey.values())
        deliver(u, { verdict: "crash", passed: false, stderr: "worker gave no result" });
    } catch (e) {
      if (!(e instanceof WorkerDied)) throw e;
      if (this.closed) return;
      const left = [...byKey.values()];
      // Only the job that was running is charged a retry; one queued behind it never started.
      const attempt = e.started ? job.attempt + 1 : job.attempt;
      if (attempt <= 1 && left.length > 0)
        queue.unshift({ solutionKey: job.solutionKey, units: left, attempt });
      else
        for (const u of left)
          deliver(u, { verdict: "crash", passed: false, stderr: e.message.slice(0, 2000) });
      await this.replaceWorker(slot, w);
    }
  }

  /** Stop the workers (kills them if they do not exit within 2 s). */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.close()));
    this.removeShare();
  }

  /** Kill every worker now (e.g. on SIGINT). */
  kill(): void {
    this.closed = true;
    for (const w of this.workers) w.kill();
    this.removeShare();
  }

  private removeShare(): void {
    if (this.spawnOpts.shareDir) rmSync(this.spawnOpts.shareDir, { recursive: true, force: true });
  }

  /** For tests: the worker processes' pids (host view). */
  get workerPids(): number[] {
    return this.workers.map((w) => w.proc.pid ?? -1);
  }
}

/** Run pairs and return outcomes in input order. */
export async function execute(pairs: PairInput[], options: SandboxOptions = {}): Promise<PairOutcome[]> {
  const sb = await Sandbox.start(options);
  try {
    const byId = new Map<string, PairOutcome>();
    for await (const o of sb.run(pairs)) byId.set(o.id, o);
    return pairs.map((p) => byId.get(p.id)!);
  } finally {
    await sb.close();
  }
}
