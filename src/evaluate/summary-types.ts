/**
 * The `EvalSummary` record: everything `coderm eval` computed, as plain JSON (no Maps, no typed
 * arrays) so it can be written to `summary.json`, read back, and rendered without recomputation.
 *
 * Conventions: every accuracy or rate is a fraction in [0, 1] (renderers show percentages);
 * `null` means "not computable" (no labels, empty denominator) and never zero.
 */

export const EVAL_SUMMARY_SCHEMA = "coderm.eval-summary/1";

export type Protocol = "reference" | "random";

/** Confusion counts plus derived rates. `far`/`frr` are the paper's definitions (METHOD §5). */
export interface QualityRates {
  tp: number;
  tn: number;
  fp: number;
  fn: number;
  accuracy: number | null;
  precision: number | null;
  recall: number | null;
  f1: number | null;
  /** Paper: FP / (FP + TP). */
  far: number | null;
  /** Paper: FN / (FN + TN). */
  frr: number | null;
  /** Standard false-positive rate FP / (FP + TN). */
  fpr: number | null;
  /** Standard false-negative rate FN / (FN + TP). */
  fnr: number | null;
}

export interface TestQualitySummary {
  /** Each unit test classifies each solution (positive = passes it). */
  individual: QualityRates;
  /** A solution is positive when it passes the most tests among its problem's candidates. */
  multiple: QualityRates;
}

/** Best-of-n accuracy of one strategy at one (n, m): the mean credit over problems and samples. */
export interface BestOfNPoint {
  n: number;
  m: number;
  mean: number;
  /** Standard deviation of the per-sample means (0 when samples = 1 or the draw is deterministic). */
  std: number;
}

export interface StrategyResult {
  strategy: string;
  /** At the summary's (n, m). */
  best: BestOfNPoint;
  /** Accuracy as the number of unit tests grows (n fixed at the summary's n). */
  over_m: BestOfNPoint[];
  /** Accuracy as the number of solutions grows (m fixed at the summary's m). */
  over_n: BestOfNPoint[];
}

export interface PassAtK {
  k: number;
  value: number;
}

/** Per-problem facts; strategy maps are keyed by strategy name. */
export interface ProblemDetail {
  task_id: string;
  /** Solutions and unit tests in the problem's pass matrix. */
  solutions: number;
  tests: number;
  /** Cells without a result (they count as fails). */
  missing: number;
  /** Share of known cells that passed. */
  pass_density: number | null;
  /** Correct solutions among the labelled ones, or null without labels. */
  correct: number | null;
  labelled: number;
  /**
   * Chosen set of each strategy on the first n solutions and the first m tests (index order): a
   * deterministic view for reading, unlike the bootstrap behind `credit`.
   */
  chosen: Record<string, number[]>;
  /** Mean bootstrap credit at (n, m) per strategy, or null without labels. */
  credit: Record<string, number | null>;
}

/** One problem's pass matrix, kept for the heatmap: rows are solutions, `1` pass, `0` fail, `.` missing. */
export interface FeaturedMatrix {
  task_id: string;
  rows: string[];
  correct: boolean[] | null;
  chosen: Record<string, number[]>;
}

export interface EvalSummary {
  schema: typeof EVAL_SUMMARY_SCHEMA;
  /** Column label in tables, e.g. "HumanEval+ / Llama3-8B". */
  title: string;
  benchmark?: string;
  policy?: string;
  options: {
    strategies: string[];
    n: number;
    m: number;
    samples: number;
    /** Bootstrap repetitions behind each curve point. */
    curve_samples: number;
    seed: number;
    protocol: Protocol;
    /** Test-id pool shuffled per problem (reference protocol), null = each problem's own tests. */
    test_pool: number | null;
    curve_n: number[];
    curve_m: number[];
  };
  counts: {
    problems: number;
    /** Problems with labels, the ones label-based metrics average over. */
    labelled_problems: number;
    solutions: number;
    tests: number;
    missing_results: number;
  };
  /** Human-readable notes on what was skipped and why (e.g. "no labels: best-of-n skipped"). */
  notes: string[];
  /** pass@1 of a random sample (the "Vanilla" row), null without labels. */
  vanilla: number | null;
  pass_at_k: PassAtK[];
  strategies: StrategyResult[];
  test_quality: TestQualitySummary | null;
  problems: ProblemDetail[];
  featured: FeaturedMatrix[];
}
