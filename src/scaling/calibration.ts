/**
 * How well a difficulty predictor's λ̂ matches the measured pass rate λ: reliability bins (as in a
 * reliability diagram), a Brier-style squared error and Spearman's rank correlation. The squared error
 * is against the measured rate, not per-sample outcomes: per-sample Brier would add the same
 * Σ λ(1−λ) irreducible term to every predictor and hide their differences.
 */
import { CodermError } from "../errors.js";

export interface ReliabilityBin {
  /** Bin edges on the predicted value: [lo, hi) (the last bin includes 1). */
  lo: number;
  hi: number;
  count: number;
  meanPredicted: number;
  meanMeasured: number;
}

export interface Calibration {
  problems: number;
  /** Mean (λ̂ − λ)² over problems. */
  brier: number;
  /** Mean |λ̂ − λ| weighted by bin size, over the reliability bins (expected calibration error). */
  ece: number;
  /** Spearman's rank correlation (average ranks for ties); NaN when either side is constant. */
  spearman: number;
  bins: ReliabilityBin[];
}

/** Ranks 1..n with ties given their average rank. */
export function averageRanks(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => (values[a] as number) - (values[b] as number),
  );
  const ranks = new Float64Array(n);
  for (let s = 0; s < n; ) {
    let e = s + 1;
    while (e < n && values[idx[e] as number] === values[idx[s] as number]) e++;
    const avg = (s + e + 1) / 2; // ranks s+1..e
    for (let k = s; k < e; k++) ranks[idx[k] as number] = avg;
    s = e;
  }
  return ranks;
}

function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i] as number;
    mb += b[i] as number;
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = (a[i] as number) - ma;
    const db = (b[i] as number) - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return saa === 0 || sbb === 0 ? Number.NaN : sab / Math.sqrt(saa * sbb);
}

export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return pearson(averageRanks(a), averageRanks(b));
}

/** Calibration of `predicted` against `measured` (both per problem, in [0, 1]) with `bins` equal-width bins. */
export function calibration(
  predicted: ArrayLike<number>,
  measured: ArrayLike<number>,
  bins = 10,
): Calibration {
  const n = predicted.length;
  if (measured.length !== n) {
    throw new CodermError("E_BAD_INPUT", `${n} predictions for ${measured.length} problems`, "measured");
  }
  const sums = Array.from({ length: bins }, () => ({ count: 0, p: 0, m: 0 }));
  let sq = 0;
  for (let i = 0; i < n; i++) {
    const p = predicted[i] as number;
    const m = measured[i] as number;
    sq += (p - m) ** 2;
    const b = sums[Math.min(bins - 1, Math.max(0, Math.floor(p * bins)))];
    if (b) {
      b.count++;
      b.p += p;
      b.m += m;
    }
  }
  let ece = 0;
  const out: ReliabilityBin[] = sums.map((s, k) => {
    if (s.count > 0) ece += Math.abs(s.p - s.m) / Math.max(1, n);
    return {
      lo: k / bins,
      hi: (k + 1) / bins,
      count: s.count,
      meanPredicted: s.count > 0 ? s.p / s.count : Number.NaN,
      meanMeasured: s.count > 0 ? s.m / s.count : Number.NaN,
    };
  });
  return {
    problems: n,
    brier: n > 0 ? sq / n : Number.NaN,
    ece,
    spearman: spearman(predicted, measured),
    bins: out,
  };
}
