/**
 * scale-eval: replay budget allocations on full pass matrices with labels (paper Figure 6). Each
 * seeded resample draws a random test order per problem (the reference protocol's shuffle); an
 * allocation gives problem x a number of tests b_x, the vote sees the first b_x tests of its order,
 * and the problem's credit is the correct share of coderm-vote's chosen set. Budgets are averages per
 * problem (B = b · problems); every allocation is capped by the tests a problem has.
 *
 * - equal: B split evenly (remainder to the first problems);
 * - dynamic-gold: greedy on gold λ (labels; the upper bound);
 * - dynamic-predicted: a first round of `probeTests` per problem (paid from B and reused by the vote)
 *   gives a feature, mapped to λ̂ by a cross-fitted isotonic calibration; the rest of B goes greedily;
 * - dynamic-learned: the same probe round, then greedy on a predicted credit curve (mean measured
 *   coderm-vote credit curve of the labelled problems with the nearest feature, other folds only);
 * - online: `OnlineAllocator` with the same cross-fitted λ̂ as priority and a stop rule.
 */
import { CodermError } from "../errors.js";
import { type PassMatrix, testMask } from "../matrix/pass-matrix.js";
import { chooseInto, loadRows, Scratch } from "../select/kernel.js";
import { Rng } from "../util/rng.js";
import { equalAllocate, greedyAllocate, greedyAllocateGains } from "./allocate.js";
import { type Calibration, calibration } from "./calibration.js";
import {
  type CrossFit,
  crossFitIsotonic,
  DIFFICULTY_FEATURES,
  type DifficultyFeature,
  difficultyFeature,
  goldDifficulty,
  predictIsotonic,
} from "./difficulty.js";
import { creditCurve, predictCurves } from "./learned.js";
import { OnlineAllocator } from "./online.js";
import type { OnlineView, Priority, StopReason, StopRule } from "./online-types.js";

export const ALLOCATIONS = [
  "equal",
  "dynamic-gold",
  "dynamic-predicted",
  "dynamic-learned",
  "online",
] as const;
export type Allocation = (typeof ALLOCATIONS)[number];

export interface ScaleProblem {
  taskId: string;
  matrix: PassMatrix;
  /** Correctness per solution id (missing = incorrect). */
  correct: ReadonlyArray<boolean>;
}

export interface ScaleEvalOptions {
  /** Average tests per problem (default 1, 2, 4, …, 64). */
  budgets?: number[];
  samples?: number;
  seed?: number | string;
  /** First-round tests per problem for dynamic-predicted (default 1). */
  probeTests?: number;
  /** Feature behind λ̂; `auto` picks the lowest cross-fitted squared error on the first resample. */
  feature?: DifficultyFeature | "auto";
  folds?: number;
  /** dynamic-learned: random orders per labelled problem for its credit curve (default 5). */
  curveOrders?: number;
  online?: { rule?: StopRule; confidence?: number; growth?: number; priority?: Priority };
  onProgress?: (done: number, total: number) => void;
}

export interface ScaleEvalResult {
  problems: number;
  budgets: number[];
  samples: number;
  allocations: Allocation[];
  /** Mean credit (0..1) per allocation, per budget. */
  accuracy: Record<Allocation, number[]>;
  /** Standard error of that mean over resamples. */
  stderr: Record<Allocation, number[]>;
  /**
   * Standard error of the paired difference to equal allocation (same resamples, same test orders):
   * far smaller than the two stderrs combined, so it is what says whether an allocation really differs.
   */
  deltaStderr: Record<Allocation, number[]>;
  /** Tests actually used, per problem on average (online may leave budget unused). */
  testsUsed: Record<Allocation, number[]>;
  /** Online stops per budget: mean count of problems per reason. */
  onlineStops: Array<Partial<Record<StopReason, number>>>;
  /** Every test, and no test (vanilla), for reference. */
  allTests: number;
  vanilla: number;
  feature: DifficultyFeature;
  probeTests: number;
  /** Calibration on the first resample's probe round: raw features and their cross-fitted isotonic maps. */
  calibration: Record<string, Calibration>;
}

const DEFAULT_BUDGETS = [1, 2, 4, 8, 16, 32, 64];

/** Credit of coderm-vote over the first `b` tests of `order` (a missing label is incorrect). */
export function prefixCredit(
  p: ScaleProblem,
  order: ArrayLike<number>,
  b: number,
  scratch: Scratch,
  ids: Int32Array,
): number {
  const n = p.matrix.solutions;
  if (n === 0) return 0;
  const mask = new Uint32Array(p.matrix.wordsPerRow);
  for (let t = 0; t < b; t++) {
    const j = order[t] as number;
    mask[j >>> 5] = (mask[j >>> 5] as number) | (1 << (j & 31));
  }
  loadRows(p.matrix, ids, n, mask, scratch);
  const k = chooseInto("coderm-vote", n, scratch);
  let ok = 0;
  for (let c = 0; c < k; c++) if (p.correct[scratch.chosen[c] as number] === true) ok++;
  return ok / k;
}

function checkOptions(o: ScaleEvalOptions): void {
  for (const b of o.budgets ?? []) {
    if (!(Number.isFinite(b) && b >= 0)) throw new CodermError("E_BAD_INPUT", `bad budget ${b}`, "budgets");
  }
  const s = o.samples ?? 100;
  if (!Number.isInteger(s) || s < 1)
    throw new CodermError("E_BAD_INPUT", `samples must be ≥ 1, got ${s}`, "samples");
  const f = o.feature ?? "auto";
  if (f !== "auto" && !(DIFFICULTY_FEATURES as readonly string[]).includes(f)) {
    throw new CodermError("E_BAD_INPUT", `unknown feature "${f}"`, "feature");
  }
}

// Long: the simulation's loop over budgets and strategies reads the same matrices, predictions and RNG streams; kept as one pass.
export function scaleEval(
  problems: ReadonlyArray<ScaleProblem>,
  options: ScaleEvalOptions = {},
): ScaleEvalResult {
  checkOptions(options);
  const budgets = options.budgets ?? DEFAULT_BUDGETS;
  const samples = options.samples ?? 100;
  const seed = options.seed ?? 0;
  const probe = options.probeTests ?? 1;
  const folds = options.folds ?? 5;
  const P = problems.length;
  if (P === 0) throw new CodermError("E_BAD_INPUT", "no problems with labels", "problems");
  const caps = problems.map((p) => p.matrix.tests);
  const gold = problems.map((p) => goldDifficulty(p.correct, p.matrix.solutions));
  const maxN = Math.max(...problems.map((p) => p.matrix.solutions));
  const ids = Int32Array.from({ length: maxN }, (_, i) => i);
  const scratch = new Scratch();
  const curves = problems.map((p, x) =>
    creditCurve(p, p.matrix.tests, options.curveOrders ?? 5, `${seed}/curve/${x}`),
  );

  const zero = () =>
    Object.fromEntries(ALLOCATIONS.map((a) => [a, budgets.map(() => 0)])) as Record<Allocation, number[]>;
  // Per-sample credits, so the spread is computed from deviations (no cancellation on equal values).
  const perSample = Object.fromEntries(
    ALLOCATIONS.map((a) => [a, budgets.map(() => new Float64Array(samples))]),
  ) as Record<Allocation, Float64Array[]>;
  const used = zero();
  const stops: Array<Partial<Record<StopReason, number>>> = budgets.map(() => ({}));
  let allTests = 0;
  let vanilla = 0;
  let feature: DifficultyFeature =
    options.feature === "auto" || options.feature === undefined ? "pass-rate" : options.feature;
  const calib: Record<string, Calibration> = {};

  for (let s = 0; s < samples; s++) {
    const rng = new Rng(`${seed}/${s}`);
    const orders = problems.map((p) => rng.shuffle(Int32Array.from({ length: p.matrix.tests }, (_, j) => j)));
    const probeCaps = caps.map((c) => Math.min(c, probe));
    const probeMask = (x: number) => {
      const p = problems[x] as ScaleProblem;
      return testMask(p.matrix.tests, (orders[x] as Int32Array).subarray(0, probeCaps[x] as number));
    };
    const features = new Map<DifficultyFeature, number[]>();
    for (const f of DIFFICULTY_FEATURES) {
      features.set(
        f,
        problems.map((p, x) => difficultyFeature(f, p.matrix, probeMask(x), scratch)),
      );
    }
    const fits = new Map<DifficultyFeature, CrossFit>();
    for (const f of DIFFICULTY_FEATURES)
      fits.set(f, crossFitIsotonic(features.get(f) as number[], gold, folds, `${seed}/${s}`));
    if (s === 0) {
      // Baseline: every problem predicted by its training folds' mean λ (what a feature must beat).
      const flat = crossFitIsotonic(
        gold.map(() => 0),
        gold,
        folds,
        `${seed}/${s}`,
      );
      calib["constant (fold mean λ)"] = calibration(flat.predicted, gold);
      for (const f of DIFFICULTY_FEATURES) {
        calib[`${f} (raw)`] = calibration(features.get(f) as number[], gold);
        calib[`${f} (isotonic, ${folds}-fold)`] = calibration((fits.get(f) as CrossFit).predicted, gold);
      }
      if (options.feature === "auto" || options.feature === undefined) {
        feature = DIFFICULTY_FEATURES.reduce((best, f) =>
          (calib[`${f} (isotonic, ${folds}-fold)`] as Calibration).brier <
          (calib[`${best} (isotonic, ${folds}-fold)`] as Calibration).brier
            ? f
            : best,
        );
      }
    }
    const fit = fits.get(feature) as CrossFit;
    const predicted = fit.predicted;
    const curveOf = predictCurves(features.get(feature) as number[], curves, fit.fold);
    const credit = (alloc: ArrayLike<number>) => {
      let c = 0;
      for (let x = 0; x < P; x++)
        c += prefixCredit(
          problems[x] as ScaleProblem,
          orders[x] as Int32Array,
          alloc[x] as number,
          scratch,
          ids,
        );
      return c / P;
    };
    allTests += credit(caps);
    vanilla += credit(caps.map(() => 0));

    budgets.forEach((b, bi) => {
      const B = Math.round(b * P);
      const allocs: Record<Allocation, ArrayLike<number>> = {
        equal: equalAllocate(P, B, { caps }),
        "dynamic-gold": greedyAllocate(gold, B, { caps }),
        "dynamic-predicted": predictedAllocation(predicted, B, caps, probeCaps),
        "dynamic-learned": learnedAllocation(curveOf, B, caps, probeCaps),
        online: runOnline(
          problems,
          orders,
          B,
          caps,
          (x, view) =>
            predictIsotonic(
              fit.models[fit.fold[x] as number] ?? { x: [], y: [] },
              difficultyFeature(feature, view.matrix, view.mask, scratch),
            ),
          options.online,
          stops[bi] as Partial<Record<StopReason, number>>,
        ),
      };
      for (const a of ALLOCATIONS) {
        const c = credit(allocs[a]);
        (perSample[a][bi] as Float64Array)[s] = c;
        let u = 0;
        for (const v of Array.from(allocs[a])) u += v;
        (used[a] as number[])[bi] = ((used[a] as number[])[bi] as number) + u / P;
      }
    });
    options.onProgress?.(s + 1, samples);
  }

  const accuracy = zero();
  const stderr = zero();
  const deltaStderr = zero();
  const testsUsed = zero();
  const se = (xs: ArrayLike<number>) => {
    const n = xs.length;
    let m = 0;
    for (let i = 0; i < n; i++) m += xs[i] as number;
    m /= n;
    let ss = 0;
    for (let i = 0; i < n; i++) ss += ((xs[i] as number) - m) ** 2;
    return n > 1 ? Math.sqrt(ss / (n - 1) / n) : 0;
  };
  for (const a of ALLOCATIONS) {
    budgets.forEach((_, bi) => {
      const xs = perSample[a][bi] as Float64Array;
      const m = xs.reduce((t, v) => t + v, 0) / samples;
      const eq = perSample.equal[bi] as Float64Array;
      (accuracy[a] as number[])[bi] = m;
      (stderr[a] as number[])[bi] = se(xs);
      (deltaStderr[a] as number[])[bi] = se(xs.map((v, i) => v - (eq[i] as number)));
      (testsUsed[a] as number[])[bi] = (used[a][bi] as number) / samples;
    });
  }
  for (const st of stops)
    for (const k of Object.keys(st) as StopReason[]) st[k] = (st[k] as number) / samples;
  return {
    problems: P,
    budgets,
    samples,
    allocations: [...ALLOCATIONS],
    accuracy,
    stderr,
    deltaStderr,
    testsUsed,
    onlineStops: stops,
    allTests: allTests / samples,
    vanilla: vanilla / samples,
    feature,
    probeTests: probe,
    calibration: calib,
  };
}

/** Probe round (when B covers it) plus greedy on λ̂ for the rest; equal when B cannot pay the probe. */
function predictedAllocation(
  lambdas: ArrayLike<number>,
  B: number,
  caps: number[],
  probe: number[],
): Int32Array {
  const probeTotal = probe.reduce((a, b) => a + b, 0);
  if (B < probeTotal) return equalAllocate(caps.length, B, { caps });
  const rest = greedyAllocate(lambdas, B - probeTotal, {
    caps: caps.map((c, x) => c - (probe[x] as number)),
  });
  return rest.map((v, x) => v + (probe[x] as number));
}

/** Probe round, then greedy on the increments of each problem's predicted (concave) credit curve. */
function learnedAllocation(curveOf: Float64Array[], B: number, caps: number[], probe: number[]): Int32Array {
  const probeTotal = probe.reduce((a, b) => a + b, 0);
  if (B < probeTotal) return equalAllocate(caps.length, B, { caps });
  return greedyAllocateGains(
    (x, b) => {
      const c = curveOf[x] as Float64Array;
      return b + 1 < c.length ? (c[b + 1] as number) - (c[b] as number) : 0;
    },
    B - probeTotal,
    caps,
    probe,
  );
}

function runOnline(
  problems: ReadonlyArray<ScaleProblem>,
  orders: Int32Array[],
  B: number,
  caps: number[],
  difficulty: (x: number, view: OnlineView) => number,
  o: ScaleEvalOptions["online"] = {},
  stops: Partial<Record<StopReason, number>>,
): Int32Array {
  const index = new Map(problems.map((p, x) => [p.taskId, x]));
  const alloc = new OnlineAllocator(
    problems.map((p, x) => ({
      taskId: p.taskId,
      solutions: p.matrix.solutions,
      maxTests: caps[x] as number,
    })),
    {
      budget: B,
      rule: o.rule ?? "leader",
      confidence: o.confidence ?? 0.95,
      growth: o.growth ?? 0.5,
      priority: o.priority ?? "gain",
      difficulty: (view) => difficulty(index.get(view.taskId) as number, view),
    },
  );
  for (let reqs = alloc.next(); reqs.length > 0; reqs = alloc.next()) {
    for (const r of reqs) {
      const x = index.get(r.taskId) as number;
      const k = alloc.status(r.taskId).tests;
      alloc.observeFrom(
        r.taskId,
        (problems[x] as ScaleProblem).matrix,
        (orders[x] as Int32Array).subarray(k, k + r.tests),
      );
    }
  }
  const out = new Int32Array(problems.length);
  for (const st of alloc.statuses()) {
    const x = index.get(st.taskId) as number;
    out[x] = st.tests;
    if (st.stopped && st.stopped !== "cap") stops[st.stopped] = (stops[st.stopped] ?? 0) + 1;
  }
  return out;
}

/**
 * The equal-allocation budget (tests per problem) that reaches `accuracy`, by linear interpolation in
 * log2(budget) along the equal curve; undefined when the curve never reaches it.
 */
export function equalBudgetFor(accuracy: number, budgets: number[], equal: number[]): number | undefined {
  for (let i = 0; i < budgets.length; i++) {
    const a = equal[i] as number;
    if (a >= accuracy) {
      if (i === 0) return budgets[0];
      const a0 = equal[i - 1] as number;
      const l0 = Math.log2(budgets[i - 1] as number);
      const l1 = Math.log2(budgets[i] as number);
      const t = a === a0 ? 1 : (accuracy - a0) / (a - a0);
      return 2 ** (l0 + t * (l1 - l0));
    }
  }
  return undefined;
}
