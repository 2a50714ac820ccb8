/**
 * A learned alternative to the paper's gain model. q(λ, b) = 1 − (1−λ)^b is not what coderm-vote earns:
 * with one good test a hard problem's rare correct solutions can rise from λ to most of the credit,
 * while easy problems gain nothing. So we measure the real thing on labelled problems: the mean credit
 * curve c(b) (credit with the first b tests of a random order), and predict a new problem's curve as
 * the mean curve of the labelled problems with the nearest difficulty feature (never its own fold).
 * Greedy on the curve's concave majorant's increments is optimal for the predicted Σ c.
 */
import type { PassMatrix } from "../matrix/pass-matrix.js";
import { chooseInto, loadRows, Scratch } from "../select/kernel.js";
import { Rng } from "../util/rng.js";

export interface CurveProblem {
  matrix: PassMatrix;
  correct: ReadonlyArray<boolean>;
}

/**
 * Mean coderm-vote credit with the first b tests, b = 0..min(tests, maxTests), over `orders` seeded
 * random test orders.
 */
export function creditCurve(p: CurveProblem, maxTests: number, orders: number, seed: string): Float64Array {
  const n = p.matrix.solutions;
  const len = Math.min(p.matrix.tests, maxTests);
  const curve = new Float64Array(len + 1);
  if (n === 0) return curve;
  const ids = Int32Array.from({ length: n }, (_, i) => i);
  const s = new Scratch();
  const rng = new Rng(seed);
  for (let o = 0; o < orders; o++) {
    const order = rng.shuffle(Int32Array.from({ length: p.matrix.tests }, (_, j) => j));
    const mask = new Uint32Array(p.matrix.wordsPerRow);
    for (let b = 0; b <= len; b++) {
      if (b > 0) {
        const j = order[b - 1] as number;
        mask[j >>> 5] = (mask[j >>> 5] as number) | (1 << (j & 31));
      }
      loadRows(p.matrix, ids, n, mask, s);
      const k = chooseInto("coderm-vote", n, s);
      let ok = 0;
      for (let c = 0; c < k; c++) if (p.correct[s.chosen[c] as number] === true) ok++;
      curve[b] = (curve[b] as number) + ok / k / orders;
    }
  }
  return curve;
}

/** Least concave majorant of points (b, c[b]): its increments never grow, so greedy on them is exact. */
export function concaveMajorant(c: ArrayLike<number>): Float64Array {
  const n = c.length;
  const hull: number[] = [];
  for (let i = 0; i < n; i++) {
    while (hull.length >= 2) {
      const a = hull[hull.length - 2] as number;
      const b = hull[hull.length - 1] as number;
      // Drop b when it lies on or below the chord a→i.
      const ya = c[a] as number;
      const yb = c[b] as number;
      const yi = c[i] as number;
      if ((yb - ya) * (i - a) <= (yi - ya) * (b - a)) hull.pop();
      else break;
    }
    hull.push(i);
  }
  const out = new Float64Array(n);
  for (let h = 0; h + 1 < hull.length; h++) {
    const a = hull[h] as number;
    const b = hull[h + 1] as number;
    for (let i = a; i <= b; i++)
      out[i] = (c[a] as number) + (((c[b] as number) - (c[a] as number)) * (i - a)) / (b - a);
  }
  if (hull.length === 1) out[0] = c[0] as number;
  return out;
}

/**
 * Predicted credit curve of each problem: the mean curve of the `neighbours` problems from other folds
 * whose feature is nearest, then its concave majorant. Curves are padded with their last value.
 */
export function predictCurves(
  features: ArrayLike<number>,
  curves: ReadonlyArray<Float64Array>,
  fold: Int32Array,
  neighbours = 15,
): Float64Array[] {
  const n = features.length;
  const len = Math.max(1, ...curves.map((c) => c.length));
  const out: Float64Array[] = [];
  for (let x = 0; x < n; x++) {
    const f = features[x] as number;
    const pool: number[] = [];
    for (let y = 0; y < n; y++) if (fold[y] !== fold[x]) pool.push(y);
    pool.sort(
      (a, b) => Math.abs((features[a] as number) - f) - Math.abs((features[b] as number) - f) || a - b,
    );
    const near = pool.slice(0, neighbours);
    const mean = new Float64Array(len);
    for (const y of near) {
      const c = curves[y] as Float64Array;
      for (let b = 0; b < len; b++)
        mean[b] = (mean[b] as number) + (c[Math.min(b, c.length - 1)] as number) / near.length;
    }
    out.push(concaveMajorant(mean));
  }
  return out;
}
