/**
 * `evaluate`: every number of the paper's evaluation for one run (one benchmark × policy × tester),
 * from pass matrices and ground-truth labels, as a plain JSON `EvalSummary` (see summary-types.ts).
 *
 * Pools: best-of-n takes solutions 0..n-1 of each problem (reference protocol); vanilla, pass@k and
 * unit-test quality are computed over that same pool (the first n solutions, the first m tests), so
 * every number in a report describes the same candidates.
 */
import { CodermError } from "../errors.js";
import type { PassMatrix } from "../matrix/pass-matrix.js";
import { isStrategyName, STRATEGIES, type StrategyName, select } from "../select/index.js";
import { belowVanillaNotes } from "./_below-vanilla.js";
import { bestOfN, meanPassAtK, type QualityReport, testQuality, vanilla } from "./metrics/index.js";
import {
  type BestOfNPoint,
  EVAL_SUMMARY_SCHEMA,
  type EvalSummary,
  type FeaturedMatrix,
  type ProblemDetail,
  type Protocol,
  type QualityRates,
  type StrategyResult,
} from "./summary-types.js";

export interface EvaluateOptions {
  /** Default: `DEFAULT_STRATEGIES` (codet, coderm-vote, argmax). */
  strategies?: StrategyName[];
  /** Solutions per problem for best-of-n (default: the largest N among problems). */
  n?: number;
  /** Unit tests per problem for best-of-n (default: the largest M among problems). */
  m?: number;
  /** Bootstrap repetitions (the reference's `sample_num`; default 100). */
  samples?: number;
  /** Repetitions per curve point (default: `samples`); curves cost (#points × strategies) bootstraps. */
  curveSamples?: number;
  seed?: number;
  protocol?: Protocol;
  /**
   * Reference protocol: shuffle test ids 0..testPool-1 per problem instead of the problem's own ids. The
   * reference script shuffles 0..99 whatever a problem holds, so a problem with fewer tests draws fewer
   * real ones; 100 replicates it exactly.
   */
  testPool?: number;
  /** Curve points over n and m (default 1, 2, 4, … up to n or m, plus n or m itself). */
  curveN?: number[];
  curveM?: number[];
  /** pass@k values to report where every labelled problem has at least k samples (default 1, 2, 5, 10). */
  ks?: number[];
  /** Problems whose pass matrix to keep for the heatmap (default: one informative problem). */
  featured?: string[];
  title?: string;
  benchmark?: string;
  policy?: string;
  /** Notes from the caller (e.g. input warnings), copied into the summary. */
  notes?: string[];
  /** What one test column is, for notes (e.g. "one CodeGen-16B assert, as in CodeT"). */
  testDescription?: string;
  /** Called after each bootstrap with (done, total). */
  onProgress?: (done: number, total: number) => void;
}

// The paper's row order: CodeT, then the CodeRM vote; argmax (Eq. 1) shows what the tie-break adds.
export const DEFAULT_STRATEGIES: StrategyName[] = ["codet", "coderm-vote", "argmax"];

/** 1, 2, 4, … below `max`, then `max` itself. */
export function doublings(max: number): number[] {
  const out: number[] = [];
  for (let v = 1; v < max; v *= 2) out.push(v);
  if (max >= 1) out.push(max);
  return out;
}

function rowString(matrix: PassMatrix, i: number, m: number): string {
  let s = "";
  for (let j = 0; j < m; j++) s += matrix.has(i, j) ? (matrix.get(i, j) ? "1" : "0") : ".";
  return s;
}

function std(values: ArrayLike<number>): number {
  const k = values.length;
  if (k < 2) return 0;
  let mean = 0;
  for (let i = 0; i < k; i++) mean += values[i]!;
  mean /= k;
  let v = 0;
  for (let i = 0; i < k; i++) v += (values[i]! - mean) ** 2;
  return Math.sqrt(v / (k - 1));
}

/**
 * Compute the summary. `labels` may be empty (or miss problems): metrics that need ground truth are
 * then computed over the labelled problems only, or skipped with a note.
 */
// Long: one pass that fills each section of the summary from the same matrices and labels (sections are short blocks over shared locals).
export function evaluate(
  matrices: ReadonlyMap<string, PassMatrix>,
  labels: ReadonlyMap<string, ReadonlyArray<boolean>>,
  options: EvaluateOptions = {},
): EvalSummary {
  const strategies = options.strategies ?? DEFAULT_STRATEGIES;
  for (const s of strategies) {
    if (!isStrategyName(s)) {
      throw new CodermError(
        "E_BAD_INPUT",
        `unknown strategy "${s}" (one of ${STRATEGIES.join(", ")})`,
        "strategy",
      );
    }
  }
  const notes = [...(options.notes ?? [])];
  const all = [...matrices.values()];
  const maxN = all.reduce((a, x) => Math.max(a, x.solutions), 0);
  const maxM = all.reduce((a, x) => Math.max(a, x.tests), 0);
  const n = options.n ?? maxN;
  const m = options.m ?? maxM;
  for (const [name, v] of [
    ["n", n],
    ["m", m],
  ] as const) {
    if (!Number.isInteger(v) || v < 0)
      throw new CodermError("E_BAD_INPUT", `must be an integer ≥ 0, got ${v}`, name);
  }
  const samples = options.samples ?? 100;
  const curveSamples = options.curveSamples ?? samples;
  const seed = options.seed ?? 0;
  const protocol = options.protocol ?? "reference";
  const curveN = (options.curveN ?? doublings(n)).filter((v) => v >= 1 && v <= n);
  const curveM = (options.curveM ?? doublings(m)).filter((v) => v >= 1 && v <= m);

  // Labelled problems: those with a matrix and a non-empty label list. Labels cover the pool's first n
  // solutions; a shorter list means the remaining solutions are unlabelled and count as incorrect.
  const labelled = new Map<string, boolean[]>();
  const pools = new Map<string, PassMatrix>();
  for (const [task, matrix] of matrices) {
    const l = labels.get(task);
    if (l && l.length > 0) {
      labelled.set(
        task,
        Array.from({ length: Math.min(n, Math.max(matrix.solutions, l.length)) }, (_, i) => l[i] === true),
      );
      pools.set(task, matrix);
    }
  }
  const unlabelledTasks = matrices.size - labelled.size;
  if (labelled.size === 0) {
    notes.push("no labels: vanilla, pass@k, best-of-n accuracy, curves and unit-test quality were skipped");
  } else if (unlabelledTasks > 0) {
    notes.push(
      `${unlabelledTasks} of ${matrices.size} problems have no labels and are left out of label-based metrics`,
    );
  }
  const extraLabels = [...labels.keys()].filter((t) => !matrices.has(t)).length;
  if (extraLabels > 0) notes.push(`${extraLabels} labelled problems have no pass matrix and were ignored`);

  // Vanilla and pass@k over the pool.
  let vanillaValue: number | null = null;
  const passAtK: { k: number; value: number }[] = [];
  if (labelled.size > 0) {
    vanillaValue = vanilla(labelled);
    const minSamples = Math.min(...[...labelled.values()].map((l) => l.length));
    for (const k of options.ks ?? [1, 2, 5, 10]) {
      if (k <= minSamples) passAtK.push({ k, value: meanPassAtK(labelled, k) });
    }
  }

  // Best-of-n at (n, m) and the curves.
  const perProblemCredit = new Map<string, Record<string, number | null>>();
  const results: StrategyResult[] = [];
  // Every curve point reuses the seed: common random numbers make neighbouring points comparable.
  const bootstrap = labelled.size > 0 && n >= 1;
  if (labelled.size > 0 && !bootstrap) notes.push("no solutions (n = 0): best-of-n skipped");
  const total = bootstrap ? strategies.length * (1 + curveN.length + curveM.length) : 0;
  let done = 0;
  const run = (strategy: StrategyName, nn: number, mm: number, reps: number) => {
    const r = bestOfN({
      matrices: pools,
      labels: labelled,
      n: nn,
      m: mm,
      samples: reps,
      seed,
      strategy,
      protocol,
      ...(options.testPool !== undefined ? { testPool: options.testPool } : {}),
    });
    options.onProgress?.(++done, total);
    return r;
  };
  const point = (r: ReturnType<typeof bestOfN>, nn: number, mm: number): BestOfNPoint => ({
    n: nn,
    m: mm,
    mean: r.mean,
    std: std(r.sampleMeans),
  });
  if (bootstrap) {
    for (const strategy of strategies) {
      const best = run(strategy, n, m, samples);
      for (const [task, c] of best.problemCredits) {
        const rec = perProblemCredit.get(task) ?? {};
        rec[strategy] = c;
        perProblemCredit.set(task, rec);
      }
      results.push({
        strategy,
        best: point(best, n, m),
        over_m: curveM.map((mm) => point(run(strategy, n, mm, curveSamples), n, mm)),
        over_n: curveN.map((nn) => point(run(strategy, nn, m, curveSamples), nn, m)),
      });
    }
  }

  // Unit-test quality over the pool.
  let quality: EvalSummary["test_quality"] = null;
  if (labelled.size > 0) {
    const q = testQuality({ matrices: pools, labels: labelled, solutions: n, tests: m });
    quality = { individual: rates(q.individual), multiple: rates(q.multiple) };
  }

  // Per-problem detail and the featured matrices.
  const problems: ProblemDetail[] = [];
  const chosenOf = new Map<string, Record<string, number[]>>();
  let solutions = 0;
  let tests = 0;
  let missing = 0;
  const firstTests = (matrix: PassMatrix) => Array.from({ length: Math.min(m, matrix.tests) }, (_, j) => j);
  for (const [task, matrix] of matrices) {
    solutions += matrix.solutions;
    tests += matrix.tests;
    const miss = matrix.missingCount();
    missing += miss;
    const known = matrix.solutions * matrix.tests - miss;
    let passed = 0;
    for (let i = 0; i < matrix.solutions; i++) passed += matrix.passCount(i);
    const chosen: Record<string, number[]> = {};
    const nn = Math.min(n, matrix.solutions);
    for (const s of strategies)
      chosen[s] = select(s, matrix, { solutions: nn, tests: firstTests(matrix) }).chosen;
    chosenOf.set(task, chosen);
    const l = labelled.get(task);
    const credit: Record<string, number | null> = {};
    for (const s of strategies) credit[s] = perProblemCredit.get(task)?.[s] ?? null;
    problems.push({
      task_id: task,
      solutions: matrix.solutions,
      tests: matrix.tests,
      missing: miss,
      pass_density: known === 0 ? null : passed / known,
      correct: l ? l.filter(Boolean).length : null,
      labelled: l ? l.length : 0,
      chosen,
      credit,
    });
  }

  // A strategy below random choice gets the reason, from this run's matrices (see _below-vanilla.ts).
  notes.push(
    ...belowVanillaNotes(
      results.map((r) => ({
        strategy: r.strategy,
        mean: r.best.mean,
        vanilla: vanillaValue ?? 0,
        matrices: pools,
        labelled,
        chosen: chosenOf,
        n,
        m,
        ...(options.testDescription ? { testDescription: options.testDescription } : {}),
      })),
    ),
  );

  const featuredIds = options.featured ?? defaultFeatured(matrices, labelled);
  const featured: FeaturedMatrix[] = [];
  for (const task of featuredIds) {
    const matrix = matrices.get(task);
    if (!matrix) {
      notes.push(`featured problem ${task} has no pass matrix`);
      continue;
    }
    const rows = Array.from({ length: Math.min(n, matrix.solutions) }, (_, i) =>
      rowString(matrix, i, Math.min(m, matrix.tests)),
    );
    const l = labelled.get(task);
    featured.push({
      task_id: task,
      rows,
      correct: l ? rows.map((_, i) => l[i] === true) : null,
      chosen: chosenOf.get(task) ?? {},
    });
  }

  return {
    schema: EVAL_SUMMARY_SCHEMA,
    title: options.title ?? ([options.benchmark, options.policy].filter(Boolean).join(" / ") || "coderm"),
    ...(options.benchmark ? { benchmark: options.benchmark } : {}),
    ...(options.policy ? { policy: options.policy } : {}),
    options: {
      strategies: [...strategies],
      n,
      m,
      samples,
      curve_samples: curveSamples,
      test_pool: options.testPool ?? null,
      seed,
      protocol,
      curve_n: curveN,
      curve_m: curveM,
    },
    counts: {
      problems: matrices.size,
      labelled_problems: labelled.size,
      solutions,
      tests,
      missing_results: missing,
    },
    notes,
    vanilla: vanillaValue,
    pass_at_k: passAtK,
    strategies: results,
    test_quality: quality,
    problems,
    featured,
  };
}

/** The first problem with both correct and incorrect solutions (where selection matters), else the first. */
function defaultFeatured(
  matrices: ReadonlyMap<string, PassMatrix>,
  labelled: ReadonlyMap<string, boolean[]>,
): string[] {
  for (const task of matrices.keys()) {
    const l = labelled.get(task);
    if (l?.includes(true) && l.includes(false)) return [task];
  }
  const first = matrices.keys().next();
  return first.done ? [] : [first.value];
}

/** Micro-averaged rates (counts summed over problems: what reproduces the paper's Table 2); 0/0 → null. */
function rates(q: QualityReport): QualityRates {
  const v = (x: number) => (Number.isFinite(x) ? x : null);
  return {
    ...q.counts,
    accuracy: v(q.acc),
    precision: v(q.precision),
    recall: v(q.recall),
    f1: v(q.f1),
    far: v(q.far),
    frr: v(q.frr),
    fpr: v(q.fpr),
    fnr: v(q.fnr),
  };
}
