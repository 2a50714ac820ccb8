/**
 * Where label jobs run: always in the sandbox pool (`Sandbox.executor("labels")`), the one process pool of
 * coderm; nothing a candidate wrote is ever evaluated in Node. A job names its harness kind in `kind` when it
 * is not the executor's default. Both label kinds are judge-side: the judge holds the tests and expected
 * outputs and each program runs in a candidate that never sees them (`label_evalplus` for EvalPlus;
 * `labels`, the `coderm_labels` package, for HumanEval `check`, CodeT cases and LiveCodeBench).
 */

/** A job for a label kind: `op` selects the operation, `kind` the harness kind (default: the executor's). */
export type LabelJob = { op: string; kind?: string } & Record<string, unknown>;

export type JobOutcome = { ok: true; result: unknown } | { ok: false; error: string };

/** What `Sandbox.executor(kind)` returns; tests may wrap one (e.g. to count jobs). */
export interface LabelExecutor {
  /** How many jobs run at once (used to size batches). */
  readonly concurrency: number;
  /**
   * Whether jobs can read and write host files (cache paths). The isolated sandbox cannot: ground truth
   * then travels inline or through `share`.
   */
  readonly hostFiles?: boolean;
  /** Make a host file readable to jobs; returns the path they open it by (see `Sandbox.share`). */
  share?(path: string): string;
  /** Run one job; a crash or a timeout is an outcome (`ok: false`), not a rejection. */
  run(job: LabelJob, timeoutMs: number): Promise<JobOutcome>;
  close(): Promise<void>;
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
