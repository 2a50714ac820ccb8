/** A hand-built EvalSummary with known numbers (and hostile text) for renderer tests. */
import {
  EVAL_SUMMARY_SCHEMA,
  type EvalSummary,
  type QualityRates,
} from "../../src/evaluate/summary-types.js";

export const HOSTILE_ID = `Task/<script>alert("x")</script>|a&b`;

function q(tp: number, tn: number, fp: number, fn: number): QualityRates {
  const p = tp / (tp + fp);
  const r = tp / (tp + fn);
  return {
    tp,
    tn,
    fp,
    fn,
    accuracy: (tp + tn) / (tp + tn + fp + fn),
    precision: p,
    recall: r,
    f1: (2 * p * r) / (p + r),
    far: fp / (fp + tp),
    frr: fn / (fn + tn),
    fpr: fp / (fp + tn),
    fnr: fn / (fn + tp),
  };
}

/** 7 solutions × 5 tests featured matrix with one missing cell. */
export const FEATURED_ROWS = ["11111", "1111.", "11000", "00000", "11111", "10101", "01010"];

export function fixtureSummary(): EvalSummary {
  return {
    schema: EVAL_SUMMARY_SCHEMA,
    title: "HumanEval+ / Llama3-8B",
    benchmark: "humaneval+",
    policy: "Llama3-8B",
    options: {
      strategies: ["coderm-vote", "codet"],
      n: 7,
      m: 5,
      samples: 10,
      curve_samples: 10,
      seed: 0,
      protocol: "reference",
      test_pool: null,
      curve_n: [1, 2, 4, 7],
      curve_m: [1, 2, 4, 5],
    },
    counts: { problems: 2, labelled_problems: 2, solutions: 14, tests: 10, missing_results: 1 },
    notes: ["1 results line was malformed"],
    vanilla: 0.5358,
    pass_at_k: [
      { k: 1, value: 0.5358 },
      { k: 2, value: 0.6 },
      { k: 5, value: 0.75 },
    ],
    strategies: [
      {
        strategy: "coderm-vote",
        best: { n: 7, m: 5, mean: 0.7201, std: 0.01 },
        over_m: [1, 2, 4, 5].map((m, i) => ({ n: 7, m, mean: 0.55 + i * 0.05, std: 0.02 })),
        over_n: [1, 2, 4, 7].map((n, i) => ({ n, m: 5, mean: 0.5 + i * 0.07, std: 0 })),
      },
      {
        strategy: "codet",
        best: { n: 7, m: 5, mean: 0.653, std: 0.02 },
        over_m: [1, 2, 4, 5].map((m, i) => ({ n: 7, m, mean: 0.54 + i * 0.03, std: 0 })),
        over_n: [1, 2, 4, 7].map((n, i) => ({ n, m: 5, mean: 0.5 + i * 0.05, std: 0 })),
      },
    ],
    test_quality: { individual: q(40, 30, 10, 20), multiple: q(50, 30, 10, 10) },
    problems: [
      {
        task_id: HOSTILE_ID,
        solutions: 7,
        tests: 5,
        missing: 1,
        pass_density: 22 / 34,
        correct: 3,
        labelled: 7,
        chosen: { "coderm-vote": [0, 4], codet: [0, 4] },
        credit: { "coderm-vote": 1, codet: 1 },
      },
      {
        task_id: "HumanEval/1",
        solutions: 7,
        tests: 5,
        missing: 0,
        pass_density: 0.5,
        correct: 0,
        labelled: 7,
        chosen: { "coderm-vote": [1, 2, 3, 4, 5, 6, 0], codet: [2] },
        credit: { "coderm-vote": 0, codet: 0 },
      },
    ],
    featured: [
      {
        task_id: HOSTILE_ID,
        rows: FEATURED_ROWS,
        correct: [true, true, false, false, true, false, false],
        chosen: { "coderm-vote": [0, 4], codet: [0, 4] },
      },
    ],
  };
}
