/**
 * The synth run in numbers (plain JSON, rendered by report.ts): counts per stage and drop reason, the
 * weak labels, unit-test quality of the kept and of the selected set (the project's `testQuality`, the
 * same function `coderm eval` uses on `eval/matrix.jsonl` + `eval/labels.jsonl`), mutation results per
 * operator with the equivalent-mutant estimate, distributions, and examples of kept and dropped tests.
 */
import { type TestQuality, testQuality } from "../evaluate/metrics/index.js";
import { keepColumns } from "../matrix/pairs.js";
import type { PassMatrix } from "../matrix/pass-matrix.js";
import type { Label, UnitTestSample } from "../records.js";
import type { SynthConfig } from "./config.js";
import { MUTATION_OPERATORS } from "./mutation-operators.js";
import type { FilterRecord, MutantRecord } from "./pipeline.js";
import type { SynthQuestion } from "./questions.js";
import type { TestScore } from "./score.js";

export const EQUIVALENCE_METHOD =
  "a mutant is estimated equivalent when no kept test kills it and it agrees with the ground truth on every " +
  "probe: the literal-argument calls of the ground truth's functions harvested from the kept tests (same " +
  "result, or the same exception type) and the question's own tests (HumanEval check, TACO input_output). " +
  "This is an upper bound on true equivalents (a probe only sees the inputs it has); a survivor with no " +
  "probe at all is 'unknown' and stays in the denominator.";

export interface QualityNumbers {
  acc: number | null;
  f1: number | null;
  far: number | null;
  frr: number | null;
  counts: { tp: number; fp: number; tn: number; fn: number };
}

export interface SynthSummary {
  title: string;
  filters: SynthConfig["filters"];
  counts: {
    questions: number;
    questionsBad: number;
    questionsSkipped: number;
    skipReasons: Record<string, number>;
    generated: number;
    kept: number;
    dropped: Record<string, number>;
    selected: number;
    filteredBy: Record<string, number>;
  };
  weak: { solutions: number; labelled: number; correct: number; byMethod: Record<string, number> };
  quality: {
    kept: { individual: QualityNumbers; multiple: QualityNumbers };
    selected: { individual: QualityNumbers; multiple: QualityNumbers } | null;
  };
  mutation: {
    mutants: number;
    killed: number;
    equivalent: number;
    unknown: number;
    /** Killed / (mutants − estimated equivalent), over the kept tests of each question together. */
    suiteScore: number | null;
    /** Mean of the per-test mutation scores (tests with a score). */
    meanTestScore: number | null;
    uncompilable: number;
    byOperator: Record<string, { mutants: number; killed: number; equivalent: number }>;
    equivalenceMethod: string;
  };
  distributions: { far: number[]; frr: number[]; mutation: number[]; lines: number[] };
  undefinedRatios: { far: number; frr: number; mutation: number };
  perQuestion: {
    task_id: string;
    generated: number;
    kept: number;
    selected: number;
    weak: number;
    correct: number;
    far: number | null;
    frr: number | null;
    multipleFar: number | null;
    multipleFrr: number | null;
    mutants: number;
    killed: number;
  }[];
  examples: {
    kept: {
      task_id: string;
      test: number;
      far: number | null;
      frr: number | null;
      mutation_score: number | null;
      code: string;
    }[];
    dropped: { task_id: string; test: number; reason: string; detail?: string; code: string | null }[];
  };
  notes: string[];
}

const n = (x: number): number | null => (Number.isFinite(x) ? x : null);

function numbers(q: TestQuality["individual"]): QualityNumbers {
  return { acc: n(q.acc), f1: n(q.f1), far: n(q.far), frr: n(q.frr), counts: q.counts };
}

function quality(matrices: ReadonlyMap<string, PassMatrix>, labels: ReadonlyMap<string, boolean[]>) {
  const t = testQuality({ matrices, labels });
  return { individual: numbers(t.individual), multiple: numbers(t.multiple) };
}

export interface SummaryInput {
  config: SynthConfig;
  questions: SynthQuestion[];
  questionInfo: Record<string, unknown>;
  tests: UnitTestSample[];
  filter: FilterRecord[];
  scores: TestScore[];
  matrices: Map<string, PassMatrix>;
  evalLabels: Label[];
  labels: Label[];
  mutants: MutantRecord[];
  mutantStats: Record<string, { uncompilable: number }>;
  notes: string[];
  keptText: (task: string, test: number) => string;
}

export function summarize(i: SummaryInput): SynthSummary {
  const labels = labelLists(i);
  const keptCols = new Map<string, number[]>();
  for (const f of i.filter) if (f.kept) keptCols.set(f.task_id, [...(keptCols.get(f.task_id) ?? []), f.test]);
  const anyFilter = Object.values(i.config.filters).some((v) => v !== undefined);
  const testScores = i.scores.map((s) => s.mutation_score).filter((x): x is number => x !== null);
  return {
    title: `coderm synth: ${i.config.questions}`,
    filters: i.config.filters,
    counts: countsOf(i),
    weak: weakOf(i),
    quality: {
      kept: quality(i.matrices, labels),
      selected: anyFilter ? quality(selectedMatrices(i, keptCols), labels) : null,
    },
    mutation: mutationOf(i, testScores),
    distributions: {
      far: i.scores.map((s) => s.far).filter((x): x is number => x !== null),
      frr: i.scores.map((s) => s.frr).filter((x): x is number => x !== null),
      mutation: testScores,
      lines: i.scores.map((s) => s.lines),
    },
    undefinedRatios: {
      far: i.scores.filter((s) => s.far === null).length,
      frr: i.scores.filter((s) => s.frr === null).length,
      mutation: i.scores.filter((s) => s.mutation_score === null).length,
    },
    perQuestion: perQuestionOf(i, labels, keptCols),
    examples: examplesOf(i),
    notes: i.notes,
  };
}

/** The weak solutions' labels per question as boolean lists (every question has one, maybe empty). */
function labelLists(i: SummaryInput): Map<string, boolean[]> {
  const labels = new Map<string, boolean[]>();
  for (const l of i.evalLabels) {
    const list = labels.get(l.task_id) ?? [];
    list[l.index] = l.correct;
    labels.set(l.task_id, list);
  }
  for (const q of i.questions) if (!labels.has(q.task_id)) labels.set(q.task_id, []);
  return labels;
}

/** The selected set: each question's matrix restricted to the columns the filters let through. */
function selectedMatrices(i: SummaryInput, keptCols: ReadonlyMap<string, number[]>): Map<string, PassMatrix> {
  const out = new Map<string, PassMatrix>();
  for (const [task, m] of i.matrices) {
    const cols = keptCols.get(task) ?? [];
    const sel = i.scores.filter((s) => s.task_id === task && s.selected).map((s) => cols.indexOf(s.test));
    out.set(task, keepColumns(m, sel));
  }
  return out;
}

function countsOf(i: SummaryInput): SynthSummary["counts"] {
  const dropped: Record<string, number> = {};
  for (const f of i.filter) if (!f.kept && f.reason) dropped[f.reason] = (dropped[f.reason] ?? 0) + 1;
  const filteredBy: Record<string, number> = {};
  for (const s of i.scores)
    if (s.filtered) {
      const k = s.filtered.startsWith("not in the top")
        ? "top-k"
        : (s.filtered.split(" ")[0] ?? "").toLowerCase();
      filteredBy[k] = (filteredBy[k] ?? 0) + 1;
    }
  return {
    questions: i.questions.length,
    questionsBad: Number(i.questionInfo.bad ?? 0),
    questionsSkipped: Number(i.questionInfo.skipped ?? 0),
    skipReasons: (i.questionInfo.skipReasons as Record<string, number> | undefined) ?? {},
    generated: i.tests.length,
    kept: i.filter.filter((f) => f.kept).length,
    dropped,
    selected: i.scores.filter((s) => s.selected).length,
    filteredBy,
  };
}

function weakOf(i: SummaryInput): SynthSummary["weak"] {
  const byMethod: Record<string, number> = {};
  for (const l of i.labels) {
    const m = (l.details ?? "").split(":")[0] ?? "";
    byMethod[m] = (byMethod[m] ?? 0) + 1;
  }
  return {
    solutions: [...i.matrices.values()].reduce((a, m) => a + m.solutions, 0),
    labelled: i.labels.length,
    correct: i.labels.filter((l) => l.correct).length,
    byMethod,
  };
}

function mutationOf(i: SummaryInput, testScores: readonly number[]): SynthSummary["mutation"] {
  const byOperator: SynthSummary["mutation"]["byOperator"] = {};
  for (const op of MUTATION_OPERATORS) byOperator[op] = { mutants: 0, killed: 0, equivalent: 0 };
  for (const m of i.mutants) {
    const o = byOperator[m.op]!;
    o.mutants++;
    if (m.killed_by.length > 0) o.killed++;
    if (m.equivalent === true) o.equivalent++;
  }
  const killed = i.mutants.filter((m) => m.killed_by.length > 0).length;
  const equivalent = i.mutants.filter((m) => m.equivalent === true).length;
  return {
    mutants: i.mutants.length,
    killed,
    equivalent,
    unknown: i.mutants.filter((m) => m.equivalent === null).length,
    suiteScore: i.mutants.length - equivalent > 0 ? killed / (i.mutants.length - equivalent) : null,
    meanTestScore: testScores.length > 0 ? testScores.reduce((a, b) => a + b, 0) / testScores.length : null,
    uncompilable: Object.values(i.mutantStats).reduce((a, s) => a + s.uncompilable, 0),
    byOperator,
    equivalenceMethod: EQUIVALENCE_METHOD,
  };
}

function perQuestionOf(
  i: SummaryInput,
  labels: ReadonlyMap<string, boolean[]>,
  keptCols: ReadonlyMap<string, number[]>,
): SynthSummary["perQuestion"] {
  return i.questions.map((q) => {
    const m = i.matrices.get(q.task_id)!;
    const one = quality(new Map([[q.task_id, m]]), new Map([[q.task_id, labels.get(q.task_id) ?? []]]));
    const ms = i.mutants.filter((x) => x.task_id === q.task_id);
    return {
      task_id: q.task_id,
      generated: i.tests.filter((t) => t.task_id === q.task_id).length,
      kept: keptCols.get(q.task_id)?.length ?? 0,
      selected: i.scores.filter((s) => s.task_id === q.task_id && s.selected).length,
      weak: m.solutions,
      correct: (labels.get(q.task_id) ?? []).filter(Boolean).length,
      far: one.individual.far,
      frr: one.individual.frr,
      multipleFar: one.multiple.far,
      multipleFrr: one.multiple.frr,
      mutants: ms.length,
      killed: ms.filter((x) => x.killed_by.length > 0).length,
    };
  });
}

function examplesOf(i: SummaryInput): SynthSummary["examples"] {
  const text = new Map(i.tests.map((t) => [`${t.task_id}\u0000${t.index}`, t.test ?? t.response ?? null]));
  const k = i.config.examples;
  return {
    kept: i.scores
      .filter((s) => s.selected)
      .slice(0, k)
      .map((s) => ({
        task_id: s.task_id,
        test: s.test,
        far: s.far,
        frr: s.frr,
        mutation_score: s.mutation_score,
        code: i.keptText(s.task_id, s.test),
      })),
    dropped: firstPerReason(
      i.filter.filter((f) => !f.kept),
      k,
    ).map((f) => ({
      task_id: f.task_id,
      test: f.test,
      reason: f.reason ?? "",
      ...(f.detail ? { detail: f.detail } : {}),
      code: text.get(`${f.task_id}\u0000${f.test}`) ?? null,
    })),
  };
}

/** Up to `k` examples, one per drop reason first, so every reason is shown. */
function firstPerReason(list: FilterRecord[], k: number): FilterRecord[] {
  const seen = new Set<string>();
  const first: FilterRecord[] = [];
  for (const f of list) {
    if (seen.has(f.reason ?? "")) continue;
    seen.add(f.reason ?? "");
    first.push(f);
  }
  return [...first, ...list.filter((f) => !first.includes(f))].slice(0, Math.max(k, first.length));
}
