/**
 * Where label jobs run. Every job goes to the Python kind `labels` (`src/sandbox/harness/kinds/labels.py`);
 * nothing a candidate wrote is ever evaluated in Node. `LabelExecutor` is the seam: the sandbox pool can
 * implement it, and `ForkServerExecutor` is a small stand-alone one (one warm Python per core, each
 * serving jobs through a forked child that lives until a job dirties it or outlives its timeout) for when
 * the pool is not available.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { CodermError } from "../../errors.js";

/** A job for the `labels` kind: `op` selects the operation (see labels.py `OPS`). */
export type LabelJob = { op: string } & Record<string, unknown>;

export type JobOutcome = { ok: true; result: unknown } | { ok: false; error: string };

export interface LabelExecutor {
  /** How many jobs run at once (used to size batches). */
  readonly concurrency: number;
  /**
   * Whether jobs can read and write host files (cache paths). The isolated sandbox cannot: ground truth
   * then travels inline with each job.
   */
  readonly hostFiles?: boolean;
  /** Make a host file readable to jobs; returns the path they open it by (see `Sandbox.share`). */
  share?(path: string): string;
  /** Run one job; a crash or a timeout is an outcome (`ok: false`), not a rejection. */
  run(job: LabelJob, timeoutMs: number): Promise<JobOutcome>;
  close(): Promise<void>;
}

export const LABELS_KIND_FILE = fileURLToPath(
  new URL("../../sandbox/harness/kinds/labels.py", import.meta.url),
);

/** The stand-alone server around the kind (warm children, see its docstring). */
const LABEL_SERVER_FILE = fileURLToPath(
  new URL("../../sandbox/harness/kinds/_label_server.py", import.meta.url),
);

export interface ForkServerOptions {
  /** Worker processes (default: available cores). */
  workers?: number;
  /** Python interpreter (default `CODERM_PYTHON` or /usr/bin/python3: the pyenv shim is slow). */
  python?: string;
}

interface Pending {
  resolve: (o: JobOutcome) => void;
  reject: (e: Error) => void;
}

class Worker {
  readonly proc: ChildProcessWithoutNullStreams;
  readonly pending = new Map<number, Pending>();
  busy = false;
  dead: Error | undefined;

  constructor(python: string) {
    this.proc = spawn(python, ["-I", "-S", LABEL_SERVER_FILE], { stdio: ["pipe", "pipe", "pipe"] });
    let stderr = "";
    this.proc.stderr.on("data", (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
    });
    const rl = createInterface({ input: this.proc.stdout, crlfDelay: Number.POSITIVE_INFINITY });
    rl.on("line", (line) => {
      const msg = JSON.parse(line) as { id: number } & JobOutcome;
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      p.resolve(msg.ok ? { ok: true, result: msg.result } : { ok: false, error: msg.error });
    });
    const fail = (why: string) => {
      this.dead = new CodermError("E_SANDBOX", `label worker ${why}${stderr ? `: ${stderr.trim()}` : ""}`);
      // The job in flight is lost with its worker: report it like a crash so the caller can retry it alone.
      for (const p of this.pending.values()) p.resolve({ ok: false, error: `crash: ${this.dead.message}` });
      this.pending.clear();
    };
    this.proc.stdin.on("error", () => {
      // EPIPE after the worker died; the exit handler reports it.
    });
    this.proc.on("error", (e) => fail(`failed to start (${e.message})`));
    this.proc.on("exit", (code, signal) => {
      if (!this.dead) fail(`exited (${signal ?? code})`);
    });
  }
}

/** Stand-alone executor: a few fork servers speaking JSON lines. */
export class ForkServerExecutor implements LabelExecutor {
  readonly concurrency: number;
  readonly hostFiles = true;
  private readonly workers: Worker[];
  private readonly python: string;
  private started = 0;
  private readonly queue: Array<() => void> = [];
  private nextId = 0;
  private closed = false;

  constructor(options: ForkServerOptions = {}) {
    const python = options.python ?? process.env.CODERM_PYTHON ?? "/usr/bin/python3";
    if (python.startsWith("/") && !existsSync(python)) {
      throw new CodermError("E_SANDBOX", `python interpreter not found: ${python}`, "CODERM_PYTHON");
    }
    this.concurrency = Math.max(1, options.workers ?? availableParallelism());
    this.python = python;
    this.workers = Array.from({ length: this.concurrency }, () => new Worker(python));
    this.started = this.concurrency;
  }

  run(job: LabelJob, timeoutMs: number): Promise<JobOutcome> {
    if (this.closed) return Promise.reject(new CodermError("E_SANDBOX", "executor is closed"));
    return new Promise<JobOutcome>((resolve, reject) => {
      const start = () => {
        // Replace dead workers (a crash takes its worker down), but give up on a worker that cannot start.
        this.workers.forEach((x, i) => {
          if (x.dead && !x.busy && this.started < this.concurrency * 20) {
            this.workers[i] = new Worker(this.python);
            this.started++;
          }
        });
        const w = this.workers.find((x) => !x.busy && !x.dead);
        if (!w) {
          const dead = this.workers.find((x) => x.dead)?.dead;
          if (dead && this.workers.every((x) => x.dead)) return reject(dead);
          this.queue.push(start);
          return;
        }
        w.busy = true;
        const id = this.nextId++;
        const done = () => {
          w.busy = false;
          this.queue.shift()?.();
        };
        w.pending.set(id, {
          resolve: (o) => {
            done();
            resolve(o);
          },
          reject: (e) => {
            done();
            reject(e);
          },
        });
        w.proc.stdin.write(`${JSON.stringify({ id, timeout: timeoutMs / 1000, job })}\n`);
      };
      start();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(
      this.workers.map(
        (w) =>
          new Promise<void>((res) => {
            if (w.proc.exitCode !== null || w.proc.signalCode !== null) return res();
            w.proc.once("exit", () => res());
            w.proc.stdin.end();
          }),
      ),
    );
  }
}

/** Run jobs through an executor with at most `concurrency` in flight, in input order of starting. */
export async function runAll<T, R>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T, i: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, lane));
  return out;
}
