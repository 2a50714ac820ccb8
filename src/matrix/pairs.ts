/**
 * From samples to sandbox pairs and back: every (solution, test) of a task becomes one pair whose id
 * names its cell, so results can be appended to a file as they finish and a rerun skips what is done.
 */
import { existsSync } from "node:fs";
import { readJsonl } from "../io/jsonl.js";
import { appendText } from "../io/output.js";
import {
  type PairResult,
  PairResultSchema,
  type SolutionSample,
  type UnitTestSample,
  type Verdict,
} from "../records.js";
import type { PairExecutor, PairInput, PairOutcome } from "../sandbox/index.js";
import { type PassMatrices, PassMatrix } from "./pass-matrix.js";

export interface Cell {
  task_id: string;
  solution: number;
  test: number;
}

const SEP = "\t";

export function pairId(c: Cell): string {
  return `${c.task_id}${SEP}${c.solution}${SEP}${c.test}`;
}

export function parsePairId(id: string): Cell {
  const parts = id.split(SEP);
  const test = Number(parts.pop());
  const solution = Number(parts.pop());
  return { task_id: parts.join(SEP), solution, test };
}

/** Samples grouped per task and indexed by sample index (holes stay undefined). */
export interface TaskSamples {
  solutions: Map<string, (SolutionSample | undefined)[]>;
  tests: Map<string, (UnitTestSample | undefined)[]>;
}

export function indexSamples(
  solutions: Iterable<SolutionSample>,
  tests: Iterable<UnitTestSample>,
): TaskSamples {
  const out: TaskSamples = { solutions: new Map(), tests: new Map() };
  const put = <T extends { task_id: string; index: number }>(m: Map<string, (T | undefined)[]>, r: T) => {
    const list = m.get(r.task_id) ?? [];
    if (list.length === 0) m.set(r.task_id, list);
    list[r.index] = r;
  };
  for (const s of solutions) put(out.solutions, s);
  for (const t of tests) put(out.tests, t);
  return out;
}

/** Ids of the tests of a task that extraction kept (the reference drops the others). */
export function validTests(tests: ReadonlyArray<UnitTestSample | undefined>): number[] {
  const ids: number[] = [];
  tests.forEach((t, j) => {
    if (t && t.test !== null && (t.format !== "assert" || (t.cases?.length ?? 1) > 0)) ids.push(j);
  });
  return ids;
}

export interface PlannedPairs {
  /** Pairs to run in the sandbox. */
  pairs: PairInput[];
  /** Results decided without running: a solution extraction rejected is `invalid` against every test. */
  decided: PairResult[];
}

/**
 * Plan the pairs of the given tasks. Pairs whose id is in `done` are skipped (resume). Tests that
 * extraction rejected get no pairs at all: they are not unit tests, and leaving their cells missing
 * makes them all-fail columns, which no strategy's choice depends on.
 */
export function planPairs(
  samples: TaskSamples,
  tasks: Iterable<string>,
  done?: Set<string>,
  /** Test ids to run per task (a budget's share); default every valid test. */
  only?: ReadonlyMap<string, readonly number[]>,
): PlannedPairs {
  const out: PlannedPairs = { pairs: [], decided: [] };
  for (const task_id of tasks) {
    const sols = samples.solutions.get(task_id) ?? [];
    const tests = samples.tests.get(task_id) ?? [];
    const valid = only?.get(task_id) ?? validTests(tests);
    sols.forEach((s, i) => {
      for (const j of valid) {
        const cell = { task_id, solution: i, test: j };
        const id = pairId(cell);
        if (done?.has(id)) continue;
        const t = tests[j]!;
        if (!s || s.solution === null) {
          out.decided.push({
            ...cell,
            verdict: "invalid",
            passed: false,
            stderr: s?.rejected ?? "no solution",
          });
          continue;
        }
        const test = t.format === "assert" && t.cases ? t.cases : (t.test as string);
        out.pairs.push({ id, solution: s.solution, test, format: t.format });
      }
    });
  }
  return out;
}

export function outcomeToResult(o: PairOutcome): PairResult {
  const cell = parsePairId(o.id);
  const r: PairResult = { ...cell, verdict: o.verdict as Verdict, passed: o.passed };
  if (o.cases) r.cases = o.cases;
  if (o.duration_ms !== undefined) r.duration_ms = Math.round(o.duration_ms * 100) / 100;
  if (o.stderr) r.stderr = o.stderr;
  return r;
}

/** Results already in `file` (for resume): the good lines; a torn last line from a kill is ignored. */
export async function readDoneResults(file: string): Promise<PairResult[]> {
  if (!existsSync(file)) return [];
  return (await readJsonl(file, PairResultSchema)).records;
}

/**
 * Run planned pairs, appending each result to `file` (when given) the moment it arrives, so a kill
 * loses at most the pairs in flight.
 */
export async function runPairs(
  executor: PairExecutor,
  plan: PlannedPairs,
  file?: string,
  signal?: AbortSignal,
): Promise<PairResult[]> {
  const results: PairResult[] = [];
  const keep = (r: PairResult) => {
    results.push(r);
    if (file) appendText(file, `${JSON.stringify(r)}\n`);
  };
  for (const r of plan.decided) keep(r);
  if (plan.pairs.length > 0)
    for await (const o of executor.run(plan.pairs, { signal })) keep(outcomeToResult(o));
  return results;
}

/** The sub-matrix of the given test columns (renumbered 0..k-1), for evaluating under a budget. */
export function keepColumns(m: PassMatrix, ids: readonly number[]): PassMatrix {
  const out = new PassMatrix(m.solutions, ids.length);
  for (let i = 0; i < m.solutions; i++) {
    ids.forEach((j, k) => {
      if (m.has(i, j)) out.set(i, k, m.get(i, j));
    });
  }
  return out;
}

/** Fill pass matrices sized by the samples from results (last result per cell wins). */
export function matricesFrom(
  samples: TaskSamples,
  tasks: Iterable<string>,
  results: Iterable<PairResult>,
): PassMatrices {
  const out: PassMatrices = new Map();
  for (const t of tasks) {
    out.set(t, new PassMatrix(samples.solutions.get(t)?.length ?? 0, samples.tests.get(t)?.length ?? 0));
  }
  for (const r of results) {
    const m = out.get(r.task_id);
    if (m && r.solution < m.solutions && r.test < m.tests) m.set(r.solution, r.test, r.passed);
  }
  return out;
}
