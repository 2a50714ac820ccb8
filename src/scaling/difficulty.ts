/**
 * Difficulty λ (the policy's expected pass rate on a problem) without model internals. The paper
 * trains a probe on hidden states; we only have what the policy and tester produced:
 * - gold: the labelled share of correct samples (an upper bound: it needs the ground truth);
 * - features of a small first round of tests, cheap because those tests are reused by the vote:
 *   `pass-rate` (share of (solution, test) cells that pass) and `consensus` (share of solutions in
 *   coderm-vote's chosen set, 0 when nobody passes anything);
 * - an isotonic calibration of a feature to measured λ, fitted on labelled problems and applied by
 *   cross-fitting (each problem predicted by a model that never saw it).
 */
import { CodermError } from "../errors.js";
import { type PassMatrix, testMask } from "../matrix/pass-matrix.js";
import { chooseInto, loadRows, Scratch } from "../select/kernel.js";
import { Rng } from "../util/rng.js";

export const DIFFICULTY_FEATURES = ["pass-rate", "consensus"] as const;
export type DifficultyFeature = (typeof DIFFICULTY_FEATURES)[number];

/** Gold λ: the share of correct solutions (0 for a problem without solutions). */
export function goldDifficulty(correct: ReadonlyArray<boolean>, solutions = correct.length): number {
  if (solutions === 0) return 0;
  let ok = 0;
  for (let i = 0; i < solutions; i++) if (correct[i] === true) ok++;
  return ok / solutions;
}

const shared = new Scratch();

/**
 * A raw difficulty feature of one problem from the tests `tests` (ids) of its pass matrix. With no
 * tests nothing is known and every feature returns 0.5.
 */
export function difficultyFeature(
  feature: DifficultyFeature,
  matrix: PassMatrix,
  tests: ArrayLike<number> | Uint32Array,
  scratch: Scratch = shared,
): number {
  const mask = tests instanceof Uint32Array ? tests : testMask(matrix.tests, Array.from(tests));
  let k = 0;
  for (let w = 0; w < mask.length; w++) {
    let v = mask[w] as number;
    while (v !== 0) {
      v &= v - 1;
      k++;
    }
  }
  const n = matrix.solutions;
  if (k === 0 || n === 0) return 0.5;
  const ids = ALL_IDS.length >= n ? ALL_IDS : growIds(n);
  loadRows(matrix, ids, n, mask, scratch);
  if (feature === "pass-rate") {
    let s = 0;
    for (let p = 0; p < n; p++) s += scratch.counts[p] as number;
    return s / (n * k);
  }
  if (feature === "consensus") {
    let top = 0;
    for (let p = 0; p < n; p++) top = Math.max(top, scratch.counts[p] as number);
    if (top === 0) return 0;
    return chooseInto("coderm-vote", n, scratch) / n;
  }
  throw new CodermError("E_BAD_INPUT", `unknown difficulty feature "${String(feature)}"`, "feature");
}

let ALL_IDS = Int32Array.from({ length: 256 }, (_, i) => i);
function growIds(n: number): Int32Array {
  ALL_IDS = Int32Array.from({ length: Math.max(n, ALL_IDS.length * 2) }, (_, i) => i);
  return ALL_IDS;
}

/** A monotone step function fitted by pool-adjacent-violators: `x` block starts (ascending), `y` values. */
export interface IsotonicModel {
  x: number[];
  y: number[];
}

/** Least-squares non-decreasing fit of y on x (pool-adjacent-violators). */
export function fitIsotonic(xs: ArrayLike<number>, ys: ArrayLike<number>): IsotonicModel {
  const order = Array.from({ length: xs.length }, (_, i) => i).sort(
    (a, b) => (xs[a] as number) - (xs[b] as number) || a - b,
  );
  // Equal x must share one value, so merge them before pooling.
  const bx: number[] = [];
  const by: number[] = [];
  const bw: number[] = [];
  for (const i of order) {
    const x = xs[i] as number;
    const y = ys[i] as number;
    if (bx.length > 0 && bx[bx.length - 1] === x) {
      const k = bx.length - 1;
      by[k] = ((by[k] as number) * (bw[k] as number) + y) / ((bw[k] as number) + 1);
      bw[k] = (bw[k] as number) + 1;
    } else {
      bx.push(x);
      by.push(y);
      bw.push(1);
    }
    while (by.length > 1 && (by[by.length - 2] as number) > (by[by.length - 1] as number)) {
      const w2 = bw.pop() as number;
      const y2 = by.pop() as number;
      bx.pop();
      const k = by.length - 1;
      by[k] = ((by[k] as number) * (bw[k] as number) + y2 * w2) / ((bw[k] as number) + w2);
      bw[k] = (bw[k] as number) + w2;
    }
  }
  return { x: bx, y: by };
}

/** The fitted value at x: the block whose start is the last one ≤ x (the first block below its start). */
export function predictIsotonic(model: IsotonicModel, x: number): number {
  const { x: xs, y: ys } = model;
  if (xs.length === 0) return 0.5;
  let lo = 0;
  let hi = xs.length - 1;
  if (x < (xs[0] as number)) return ys[0] as number;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((xs[mid] as number) <= x) lo = mid;
    else hi = mid - 1;
  }
  return ys[lo] as number;
}

/** Isotonic models fitted fold by fold: problem i is predicted by `models[fold[i]]`, fitted without its fold. */
export interface CrossFit {
  fold: Int32Array;
  models: IsotonicModel[];
  /** Out-of-fold prediction per problem. */
  predicted: Float64Array;
}

/**
 * Cross-fitted calibration: problems are split into `folds` seeded folds and each fold is predicted
 * by an isotonic fit on the others, so no problem's own label leaks into its prediction.
 */
export function crossFitIsotonic(
  features: ArrayLike<number>,
  measured: ArrayLike<number>,
  folds = 5,
  seed: number | string = 0,
): CrossFit {
  const n = features.length;
  const k = Math.max(1, folds);
  const fold = new Int32Array(n);
  const perm = new Rng(seed).shuffle(Array.from({ length: n }, (_, i) => i));
  perm.forEach((p, r) => {
    fold[p] = r % k;
  });
  const predicted = new Float64Array(n);
  const models: IsotonicModel[] = [];
  for (let f = 0; f < k; f++) {
    const tx: number[] = [];
    const ty: number[] = [];
    for (let i = 0; i < n; i++) {
      if (fold[i] !== f) {
        tx.push(features[i] as number);
        ty.push(measured[i] as number);
      }
    }
    const model = fitIsotonic(tx, ty);
    models.push(model);
    for (let i = 0; i < n; i++)
      if (fold[i] === f) predicted[i] = predictIsotonic(model, features[i] as number);
  }
  return { fold, models, predicted };
}
