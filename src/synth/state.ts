/**
 * What the stages of `synth()` share: the run directory's files, the state each stage adds to, and the
 * helpers several stages use (the sandbox stages' append-and-resume runner among them).
 */
import { appendFileSync, existsSync } from "node:fs";
import { z } from "zod";
import { readJsonl } from "../io/jsonl.js";
import { outcomeToResult, pairId } from "../matrix/pairs.js";
import type { PassMatrix } from "../matrix/pass-matrix.js";
import {
  type Label,
  type PairResult,
  PairResultSchema,
  type SolutionSample,
  type UnitTestSample,
} from "../records.js";
import type { StageContext } from "../run/pipeline.js";
import type { PairInput, Sandbox } from "../sandbox/index.js";
import type { Store } from "../store/index.js";
import type { SynthConfig } from "./config.js";
import type { Mutant, MutantStats } from "./mutants.js";
import type { SynthQuestion } from "./questions.js";
import type { TestScore } from "./score.js";
import type { SynthSummary } from "./summary.js";

export const SYNTH_FILES = {
  config: "config.json",
  questions: "questions.jsonl",
  tests: "tests.jsonl",
  gtResults: "ground-truth-results.jsonl",
  filter: "filter.jsonl",
  weak: "weak.jsonl",
  labels: "labels.jsonl",
  labelResults: "label-results.jsonl",
  weakResults: "weak-results.jsonl",
  mutants: "mutants.jsonl",
  mutantResults: "mutant-results.jsonl",
  probeResults: "probe-results.jsonl",
  scores: "scores.jsonl",
  evalMatrix: "eval/matrix.jsonl",
  evalLabels: "eval/labels.jsonl",
  evalProblems: "eval/problems.jsonl",
  summary: "summary.json",
  reportMd: "report.md",
  reportHtml: "report.html",
  exportDir: "export",
  store: "store.sqlite",
} as const;

/** Why a generated test is not in the kept set. */
export type DropReason = "generation" | "invalid" | "duplicate" | "fail" | "error" | "timeout";

export interface FilterRecord {
  task_id: string;
  test: number;
  kept: boolean;
  reason?: DropReason;
  detail?: string;
}

export interface MutantRecord extends Mutant {
  task_id: string;
  /** Ordinal of the mutant in its question (the pair matrix row). */
  index: number;
  /** Kept tests (by test index) that kill it. */
  killed_by: number[];
  /** Estimated equivalent: survives every kept test and agrees with the ground truth on every probe; null: no probe. */
  equivalent: boolean | null;
}

export interface SynthState {
  config: SynthConfig;
  store: Store;
  /** The one sandbox of the run, started when a stage first needs it. */
  sandbox(ctx: StageContext): Promise<Sandbox>;
  questions: SynthQuestion[];
  questionInfo: Record<string, unknown>;
  byId: Map<string, SynthQuestion>;
  tests: UnitTestSample[];
  filter: FilterRecord[];
  /** Kept test indices per question. */
  kept: Map<string, number[]>;
  testText: Map<string, string | null>;
  weak: SolutionSample[];
  labels: Label[];
  labelOf: Map<string, boolean>;
  weakResults: Map<string, PairResult>;
  mutants: Map<string, Mutant[]>;
  mutantStats: Record<string, MutantStats>;
  mutantResults: Map<string, PairResult>;
  mutantRecords: MutantRecord[];
  scores: TestScore[];
  matrices: Map<string, PassMatrix>;
  evalLabels: Label[];
  exportFiles: Record<string, string>;
  summary?: SynthSummary;
}

export const key = (task: string, index: number) => `${task}\u0000${index}`;
export const keptText = (s: SynthState, task: string, test: number) =>
  s.testText.get(key(task, test)) as string;
export const keptTests = (s: SynthState, task: string) =>
  (s.kept.get(task) ?? []).map((j) => keptText(s, task, j));

export function groupBy<T extends { task_id: string }>(xs: Iterable<T>): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of xs) {
    const l = m.get(x.task_id);
    if (l) l.push(x);
    else m.set(x.task_id, [x]);
  }
  return m;
}

export function countBy(xs: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of xs) out[x] = (out[x] ?? 0) + 1;
  return out;
}

export const byTaskThen =
  <T extends { task_id: string }>(n: (x: T) => number) =>
  (a: T, b: T) =>
    a.task_id < b.task_id ? -1 : a.task_id > b.task_id ? 1 : n(a) - n(b);

export async function readResults(file: string): Promise<Map<string, PairResult>> {
  const out = new Map<string, PairResult>();
  if (existsSync(file))
    for (const r of (await readJsonl(file, PairResultSchema)).records) out.set(pairId(r), r);
  return out;
}

/** Run the pairs `file` does not hold yet, appending each result as it arrives; all results by pair id. */
export async function runMissing(
  s: SynthState,
  ctx: StageContext,
  file: string,
  pairs: readonly PairInput[],
): Promise<Map<string, PairResult>> {
  const results = await readResults(file);
  appendFileSync(file, ""); // exists even with nothing to run, so the loop sees the stage's output
  const todo = pairs.filter((p) => !results.has(p.id));
  if (results.size > 0) ctx.note(`resuming: ${results.size} pair results kept, ${todo.length} to run`);
  if (todo.length === 0) return results;
  const sb = await s.sandbox(ctx);
  let done = 0;
  for await (const o of sb.run(todo)) {
    const r = outcomeToResult(o);
    appendFileSync(file, `${JSON.stringify(r)}\n`);
    results.set(o.id, r);
    ctx.progress(++done, todo.length);
  }
  ctx.checkStop();
  return results;
}

export function sampleProgress(total: number, ctx: StageContext) {
  let done = 0;
  return (e: { type: string }) => {
    if (e.type === "sample") ctx.progress(++done, total);
  };
}

// Loose schemas for our own files, read back on resume (written by this module, so only their shape matters).
export const FilterSchemaLike = z.looseObject({ task_id: z.string(), test: z.number(), kept: z.boolean() });
export const MutantRecordLike = z.looseObject({
  task_id: z.string(),
  index: z.number(),
  killed_by: z.array(z.number()),
});
