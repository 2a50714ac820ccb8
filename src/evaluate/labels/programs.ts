/**
 * Batching shared by every label op. A sandbox job carries one task and up to `batchSize` distinct
 * programs (one job per program would pay the worker's per-job cost for each). A kind may stop a batch early
 * (`stopped`); the rest go out again. A batch the executor had to kill (a judge that hung or died) is retried
 * one program per job, so only the culprit pays the timeout. Programs sharing an identity run once, and runs
 * that say how long a program takes are cut into short jobs started longest first (a 2-worker pool otherwise
 * ends with one worker alone on the slowest task).
 */
import { CodermError } from "../../errors.js";
import { type LabelExecutor, type LabelJob, runAll } from "./executor.js";

export interface ProgramRun<O> {
  /** Names the run in errors and in the result map (usually the task_id). */
  key: string;
  /** Programs in request order; null = nothing to run (gets `noProgram()`). Duplicates run once. */
  programs: ReadonlyArray<string | null>;
  /** Worst-case seconds one program may legitimately take (its reference process timeout). */
  secondsPerProgram: number;
  /**
   * Programs with the same identity behave the same and run once (default: the text itself; labels use
   * `programKey`, which ignores comments and layout).
   */
  identity?: (program: string) => string;
  /**
   * Expected seconds per program (e.g. the reference solution's run time): costly runs are cut into
   * smaller jobs and started first, so one slow task does not leave the other workers idle at the end.
   */
  expectedSeconds?: number;
  job: (programs: string[]) => LabelJob;
  /** Outcome of a program whose own job was killed (timeout) or crashed. */
  onKilled: (why: string) => O;
  noProgram: () => O;
  /** Turn one entry of the op's `results` into an outcome (default: as is). */
  parse?: (raw: unknown) => O;
  /** Called once all programs of this run are done, with outcomes in `programs` order. */
  onDone?: (outcomes: O[]) => void | Promise<void>;
}

export interface RunProgramsOptions {
  batchSize?: number;
  /** Cap on a multi-program job's timeout, seconds (default 120). */
  maxBatchSeconds?: number;
  /** Added to every job's timeout for process start and transfer, seconds (default 5). */
  slackSeconds?: number;
  /** Expected seconds of work per job when runs give `expectedSeconds` (default 1). */
  targetJobSeconds?: number;
}

/** A job the executor killed or lost (the sandbox says "timeout" or "crash: ..."). */
const killed = (error: string) => error === "timeout" || error.startsWith("crash");

interface OpResult {
  results: unknown[];
  stopped: string | null;
}

async function execute<O>(
  run: ProgramRun<O>,
  programs: string[],
  executor: LabelExecutor,
  o: Required<RunProgramsOptions>,
): Promise<O[]> {
  const parse = run.parse ?? ((x: unknown) => x as O);
  const out: O[] = [];
  let rest = programs;
  while (rest.length > 0) {
    const single = rest.length === 1;
    const seconds = single
      ? run.secondsPerProgram
      : Math.min(run.secondsPerProgram * rest.length, Math.max(o.maxBatchSeconds, run.secondsPerProgram));
    const r = await executor.run(run.job(rest), (seconds + o.slackSeconds) * 1000);
    if (r.ok) {
      const res = r.result as OpResult;
      if (!Array.isArray(res.results) || res.results.length === 0) {
        throw new CodermError("E_SANDBOX", "label job returned no results", run.key);
      }
      for (const x of res.results) out.push(parse(x));
      rest = rest.slice(res.results.length);
      continue;
    }
    if (!killed(r.error)) throw new CodermError("E_SANDBOX", `label job failed: ${r.error}`, run.key);
    if (single) {
      out.push(run.onKilled(r.error));
      rest = [];
    } else {
      for (const p of rest) out.push(...(await execute(run, [p], executor, o)));
      rest = [];
    }
  }
  return out;
}

/** Run every program of every run; returns outcomes per run key, in each run's `programs` order. */
export async function runPrograms<O>(
  runs: readonly ProgramRun<O>[],
  executor: LabelExecutor,
  options: RunProgramsOptions = {},
): Promise<Map<string, O[]>> {
  const o: Required<RunProgramsOptions> = {
    batchSize: options.batchSize ?? 16,
    maxBatchSeconds: options.maxBatchSeconds ?? 120,
    slackSeconds: options.slackSeconds ?? 5,
    targetJobSeconds: options.targetJobSeconds ?? 1,
  };
  interface Chunk {
    run: number;
    programs: string[];
    cost: number;
  }
  const done: Map<string, O>[] = [];
  const left: number[] = [];
  const chunks: Chunk[] = [];
  // Per run: program text -> identity, computed once (identities may parse the program).
  const ids: Map<string, string>[] = [];
  runs.forEach((run, i) => {
    const idOf = new Map<string, string>();
    const byId = new Map<string, string>();
    for (const p of run.programs) {
      if (p === null || idOf.has(p)) continue;
      const id = run.identity ? run.identity(p) : p;
      idOf.set(p, id);
      if (!byId.has(id)) byId.set(id, p);
    }
    ids.push(idOf);
    const u = [...byId.values()];
    done.push(new Map());
    const expected = run.expectedSeconds ?? 0;
    // About `targetJobSeconds` of expected work per job, never more than batchSize programs.
    const size = Math.max(
      1,
      Math.min(o.batchSize, Math.floor(o.targetJobSeconds / Math.max(expected, 1e-9))),
    );
    let n = 0;
    for (let k = 0; k < u.length; k += size) {
      const programs = u.slice(k, k + size);
      chunks.push({ run: i, programs, cost: expected * programs.length });
      n++;
    }
    left.push(n);
  });
  // Longest expected jobs first (stable, so equal costs keep request order).
  chunks.sort((a, b) => b.cost - a.cost);
  const result = new Map<string, O[]>();
  const finish = async (i: number) => {
    const run = runs[i] as ProgramRun<O>;
    const d = done[i] as Map<string, O>;
    const idOf = ids[i] as Map<string, string>;
    const outcomes = run.programs.map((p) =>
      p === null ? run.noProgram() : (d.get(idOf.get(p) as string) as O),
    );
    result.set(run.key, outcomes);
    await run.onDone?.(outcomes);
  };
  for (let i = 0; i < runs.length; i++) if (left[i] === 0) await finish(i);
  await runAll(chunks, executor.concurrency, async (c) => {
    const run = runs[c.run] as ProgramRun<O>;
    const outs = await execute(run, c.programs, executor, o);
    const d = done[c.run] as Map<string, O>;
    const idOf = ids[c.run] as Map<string, string>;
    c.programs.forEach((p, k) => {
      d.set(idOf.get(p) as string, outs[k] as O);
    });
    left[c.run] = (left[c.run] as number) - 1;
    if (left[c.run] === 0) await finish(c.run);
  });
  return result;
}
