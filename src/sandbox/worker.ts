/**
 * One sandboxed Python worker (harness/worker.py), spoken to in JSON lines. It runs one job at a time; a
 * silent worker is killed by a watchdog so a run never hangs.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { CodermError } from "../errors.js";
import { bwrapArgs, SANDBOX_ENV, sandboxIds } from "./isolation.js";

export interface WorkerSpawnOptions {
  harnessDir: string;
  python: string;
  bwrap: boolean;
  /** Host folder bound read-only at /share inside bubblewrap (see `Sandbox.share`). */
  shareDir?: string;
  limits: { address_space: number; nproc: number; file_size: number; cpu_seconds: number };
  /** Extra worker options (on the wire as-is): e.g. `candidate_namespaces: false`. */
  extra?: Record<string, unknown>;
}

export interface WorkerHello {
  op: "hello";
  pid: number;
  python: string;
  isolation: Record<string, [boolean, string]>;
  kinds: string[];
}

/** A result line from the worker (snake_case as on the wire). */
export interface WorkerResult {
  op: "result";
  id: number;
  key: string;
  verdict: string;
  cases?: [string, string][];
  ms?: number;
  stderr?: string;
  load_failure?: boolean;
}

export interface Job {
  op: "job";
  id: number;
  kind: string;
  solution?: string;
  tests?: { key: string; test?: string; cases?: string[] }[];
  [option: string]: unknown;
}

export class WorkerDied extends Error {
  /** False for a job still queued behind the one that was running when the worker died (it never started). */
  constructor(
    message: string,
    readonly started = true,
  ) {
    super(message);
  }
}

interface InFlight {
  onResult: (r: WorkerResult) => void;
  idleMs: number;
  resolve: () => void;
  reject: (e: Error) => void;
}

export class WorkerProcess {
  readonly proc: ChildProcessWithoutNullStreams;
  readonly hello: Promise<WorkerHello>;
  private stderrTail = "";
  /** Jobs written and not done, in the order the worker runs them (the first is the one running). */
  private readonly inFlight = new Map<number, InFlight>();
  private watchdog: NodeJS.Timeout | undefined;
  private exited: string | undefined;
  /** The worker's cumulative counters and milliseconds (its last "done" line): see `Sandbox.stats`. */
  stats: Record<string, number> = {};

  constructor(opts: WorkerSpawnOptions) {
    const script = opts.bwrap ? "/harness/worker.py" : `${opts.harnessDir}/worker.py`;
    // Inside bubblewrap /tmp and /dev/shm are private to the worker, so it may wipe them between children.
    const wire = { ...opts.limits, private_tmp: opts.bwrap, ...opts.extra };
    // -s -S -P is -I without -E: PYTHONHASHSEED must be honoured (hash randomization is decided at start).
    const py = [opts.python, "-s", "-S", "-P", script, JSON.stringify(wire)];
    const [cmd, args] = opts.bwrap
      ? ["bwrap", [...bwrapArgs(opts.harnessDir, opts.shareDir), ...py]]
      : [py[0]!, py.slice(1)];
    this.proc = spawn(cmd, args, { env: SANDBOX_ENV, stdio: ["pipe", "pipe", "pipe"], ...sandboxIds() });
    this.proc.stderr.setEncoding("utf8");
    this.proc.stderr.on("data", (d: string) => {
      this.stderrTail = (this.stderrTail + d).slice(-4000);
    });
    this.proc.stdin.on("error", () => {}); // EPIPE when the worker died; the exit handler reports it
    let helloResolve!: (h: WorkerHello) => void;
    let helloReject!: (e: Error) => void;
    this.hello = new Promise((res, rej) => {
      helloResolve = res;
      helloReject = rej;
    });
    this.hello.catch(() => {});
    // A worker that never says hello (a stuck bwrap, a broken interpreter) must not hang start().
    const helloTimer = setTimeout(() => {
      helloReject(
        new CodermError("E_SANDBOX", `worker did not start within 60 s: ${this.stderrTail.trim()}`),
      );
      this.kill();
    }, 60_000);
    this.hello.then(
      () => clearTimeout(helloTimer),
      () => clearTimeout(helloTimer),
    );
    const rl = createInterface({ input: this.proc.stdout });
    rl.on("line", (line) => {
      let msg: Record<string, unknown>;
      try {
        msg = JSON.parse(line);
      } catch {
        return;
      }
      if (msg.op === "hello") helloResolve(msg as unknown as WorkerHello);
      else this.onLine(msg);
    });
    this.proc.on("exit", (code, signal) => {
      this.exited = `worker exited (code ${code}, signal ${signal})${this.stderrTail ? `: ${this.stderrTail.trim().slice(-800)}` : ""}`;
      helloReject(new CodermError("E_SANDBOX", this.exited));
      this.failAll(this.exited);
    });
    this.proc.on("error", (e) => {
      this.exited = `cannot start worker: ${e.message}`;
      helloReject(new CodermError("E_SANDBOX", this.exited));
      this.failAll(this.exited);
    });
  }

  private onLine(msg: Record<string, unknown>): void {
    const job = this.inFlight.get(msg.id as number);
    this.arm(); // any line: the worker is alive
    if (!job) return;
    if (msg.op === "result") job.onResult(msg as unknown as WorkerResult);
    else if (msg.op === "done") {
      if (msg.stats && typeof msg.stats === "object") this.stats = msg.stats as Record<string, number>;
      this.inFlight.delete(msg.id as number);
      if (this.inFlight.size === 0) clearTimeout(this.watchdog);
      job.resolve();
    } else if (msg.op === "error") this.stderrTail += `\n${String(msg.message)}\n${String(msg.trace ?? "")}`;
  }

  /** The watchdog counts the worker's silence (not one job's): a queued job has nothing to say yet. */
  private arm(): void {
    clearTimeout(this.watchdog);
    if (this.inFlight.size === 0) return;
    const ms = Math.max(...[...this.inFlight.values()].map((j) => j.idleMs));
    this.watchdog = setTimeout(() => {
      this.kill();
      this.failAll(`worker silent for ${ms} ms: killed`);
    }, ms);
  }

  private failAll(why: string): void {
    clearTimeout(this.watchdog);
    let first = true;
    for (const job of this.inFlight.values()) {
      job.reject(new WorkerDied(why, first));
      first = false;
    }
    this.inFlight.clear();
  }

  get alive(): boolean {
    return this.exited === undefined;
  }

  /**
   * Send one job; `onResult` gets each result line. Resolves at the worker's "done"; rejects with WorkerDied
   * when the worker exits or stays silent for `idleMs`. Several jobs may be in flight: the worker runs them in
   * order, and the next one is already in its input when the last ends (no idle gap per job).
   */
  run(job: Job, onResult: (r: WorkerResult) => void, idleMs: number): Promise<void> {
    if (this.exited) return Promise.reject(new WorkerDied(this.exited, this.inFlight.size === 0));
    return new Promise<void>((resolve, reject) => {
      this.inFlight.set(job.id, { onResult, idleMs, resolve, reject });
      if (this.inFlight.size === 1) this.arm();
      this.proc.stdin.write(`${JSON.stringify(job)}\n`);
    });
  }

  get lastStderr(): string {
    return this.stderrTail;
  }

  kill(): void {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill("SIGKILL");
  }

  async close(): Promise<void> {
    if (!this.alive) return;
    const done = new Promise<void>((res) => this.proc.once("exit", () => res()));
    this.proc.stdin.end(`${JSON.stringify({ op: "exit" })}\n`);
    const t = setTimeout(() => this.kill(), 2000);
    await done;
    clearTimeout(t);
  }
}
