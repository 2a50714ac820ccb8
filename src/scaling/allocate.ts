/**
 * Budget allocation across problems (paper §3.2). With b unit tests a problem of difficulty λ (the
 * policy's expected pass rate) is modelled as solved with probability q(λ, b) = 1 − (1−λ)^b; the
 * marginal gain of one more test, λ(1−λ)^b, shrinks with b, so handing out units one at a time to the
 * largest gain maximises Σ q under per-problem caps.
 *
 * Order of units (the tie rule, shared by the heap and the closed form so both give identical
 * allocations): larger gain first; on equal gain, the problem with fewer tests so far; then the lower
 * problem index. λ = 0 and λ = 1 have zero gain at every b (no test can change which solution is
 * right: none or all are), so they only receive units once every positive-gain unit is taken, spread
 * evenly by the same rule. The formula would give λ = 1 a first-unit gain of 1; we deliberately do not.
 */
import { CodermError } from "../errors.js";
import { gainHeap } from "./heap.js";

export interface AllocateOptions {
  /** Most tests each problem can take (e.g. how many it has); default unlimited. */
  caps?: ArrayLike<number>;
}

/** q(λ, b): the paper's chance that b unit tests solve a problem of difficulty λ. */
export function solveProbability(lambda: number, b: number): number {
  return 1 - (1 - lambda) ** b;
}

/** Gain of the (b+1)-th test: λ(1−λ)^b, and 0 for λ ∈ {0, 1} (see the module note). */
export function marginalGain(lambda: number, b: number): number {
  if (!(lambda > 0 && lambda < 1)) return 0;
  return lambda * (1 - lambda) ** b;
}

/** Σ q(λ_x, b_x): the objective the greedy allocation maximises. */
export function expectedSolved(lambdas: ArrayLike<number>, allocation: ArrayLike<number>): number {
  let s = 0;
  for (let x = 0; x < lambdas.length; x++) {
    const l = lambdas[x] as number;
    // Same convention as marginalGain: λ = 1 counts as solved regardless of tests.
    s += l >= 1 ? 1 : solveProbability(l, allocation[x] ?? 0);
  }
  return s;
}

function checkBudget(budget: number): void {
  if (!Number.isInteger(budget) || budget < 0) {
    throw new CodermError("E_BAD_INPUT", `budget must be a non-negative integer, got ${budget}`, "budget");
  }
}

function checkLambdas(lambdas: ArrayLike<number>): void {
  for (let x = 0; x < lambdas.length; x++) {
    const l = lambdas[x] as number;
    if (!(l >= 0 && l <= 1)) {
      throw new CodermError("E_BAD_INPUT", `difficulty must be in [0, 1], got ${l}`, `lambda[${x}]`);
    }
  }
}

/** Per-problem caps clamped to the budget (so they stay finite), validated. */
function effectiveCaps(n: number, budget: number, caps?: ArrayLike<number>): Int32Array {
  const out = new Int32Array(n);
  if (caps && caps.length !== n) {
    throw new CodermError("E_BAD_INPUT", `caps has ${caps.length} entries for ${n} problems`, "caps");
  }
  for (let x = 0; x < n; x++) {
    const c = caps ? (caps[x] as number) : budget;
    if (!(c >= 0) || (Number.isFinite(c) && !Number.isInteger(c))) {
      throw new CodermError("E_BAD_INPUT", `cap must be a non-negative integer, got ${c}`, `caps[${x}]`);
    }
    out[x] = Math.min(c, budget);
  }
  return out;
}

function sumOf(a: Int32Array): number {
  let s = 0;
  for (const v of a) s += v;
  return s;
}

/**
 * Equal allocation, the paper's baseline: every problem gets ⌊B/P⌋ and the remainder goes one each to
 * the first problems in index order. With caps it water-fills: a capped problem's share is spread over
 * the others by the same rule. Sums to min(B, Σ caps).
 */
export function equalAllocate(problems: number, budget: number, options: AllocateOptions = {}): Int32Array {
  checkBudget(budget);
  const caps = effectiveCaps(problems, budget, options.caps);
  const total = sumOf(caps);
  if (budget >= total) return caps;
  // Largest level L with Σ min(cap, L) ≤ B; then one more each to the first problems still above L.
  const filled = (L: number) => {
    let s = 0;
    for (const c of caps) s += Math.min(c, L);
    return s;
  };
  let lo = 0;
  let hi = budget + 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (filled(mid) <= budget) lo = mid;
    else hi = mid;
  }
  const out = new Int32Array(problems);
  let left = budget - filled(lo);
  for (let x = 0; x < problems; x++) {
    const c = caps[x] as number;
    out[x] = Math.min(c, lo);
    if (left > 0 && c > lo) {
      out[x] = lo + 1;
      left--;
    }
  }
  return out;
}

/**
 * The paper's greedy allocation with a max-heap: B times, one unit to the problem with the largest
 * marginal gain. O(B log P); kept as the reference the closed form is checked against.
 */
export function greedyAllocateHeap(
  lambdas: ArrayLike<number>,
  budget: number,
  options: AllocateOptions = {},
): Int32Array {
  checkBudget(budget);
  checkLambdas(lambdas);
  const n = lambdas.length;
  const caps = effectiveCaps(n, budget, options.caps);
  return greedyAllocateGains((x, b) => marginalGain(lambdas[x] as number, b), budget, caps);
}

/**
 * Greedy allocation on per-problem gain sequences: `gain(x, b)` is the value of problem x's (b+1)-th
 * test and must not increase with b. Ties: fewer tests first, then lower index (as `greedyAllocate`).
 * `start` tests are already given (e.g. a probe round) and count toward the caps, not toward `budget`.
 */
export function greedyAllocateGains(
  gain: (x: number, b: number) => number,
  budget: number,
  caps: ArrayLike<number>,
  start?: ArrayLike<number>,
): Int32Array {
  const n = caps.length;
  const alloc = Int32Array.from({ length: n }, (_, x) => (start?.[x] as number | undefined) ?? 0);
  const g = new Float64Array(n);
  const heap = gainHeap(g, alloc);
  for (let x = 0; x < n; x++) {
    if ((alloc[x] as number) < (caps[x] as number)) {
      g[x] = gain(x, alloc[x] as number);
      heap.push(x);
    }
  }
  for (let u = 0; u < budget && heap.size > 0; u++) {
    const x = heap.peek();
    const b = (alloc[x] as number) + 1;
    alloc[x] = b;
    if (b >= (caps[x] as number)) heap.pop();
    else {
      g[x] = gain(x, b);
      heap.updateTop();
    }
  }
  return alloc;
}

/** #{b < cap : gain(λ, b) ≥ τ}: gains fall with b, so it is a prefix; found by a log estimate, then corrected. */
function unitsAtLeast(lambda: number, cap: number, tau: number): number {
  if (tau <= 0) return cap;
  if (!(lambda > 0 && lambda < 1) || lambda < tau) return 0;
  const est = Math.floor(Math.log(tau / lambda) / Math.log1p(-lambda)) + 1;
  let b = Number.isFinite(est) ? Math.max(0, Math.min(cap, est)) : cap;
  // The estimate can be off by one from floating error; the gain function itself decides.
  while (b < cap && marginalGain(lambda, b) >= tau) b++;
  while (b > 0 && marginalGain(lambda, b - 1) < tau) b--;
  return b;
}

/**
 * The same allocation as `greedyAllocateHeap` (identical, tie rule included) in about O(P · 60)
 * instead of O(B log P). The greedy takes exactly the B first units in the global order and each
 * problem's units come in order, so it is enough to find the gain τ of the B-th unit: bisect ln τ
 * with a closed-form count per problem (b units have gain ≥ τ iff b ≤ ln(τ/λ)/ln(1−λ)), then settle
 * the few units near τ exactly by sorting them by the tie rule. Units of zero gain (λ ∈ {0,1}, or
 * underflow) are handed out level by level, so they never need sorting.
 */
// Long: the closed-form phase, the exact settling near τ and the zero-gain levels share the same count arrays.
export function greedyAllocate(
  lambdas: ArrayLike<number>,
  budget: number,
  options: AllocateOptions = {},
): Int32Array {
  checkBudget(budget);
  checkLambdas(lambdas);
  const n = lambdas.length;
  const caps = effectiveCaps(n, budget, options.caps);
  if (budget >= sumOf(caps)) return caps;
  const exactCounts = (tau: number, out: Int32Array) => {
    let s = 0;
    for (let x = 0; x < n; x++) {
      const c = unitsAtLeast(lambdas[x] as number, caps[x] as number, tau);
      out[x] = c;
      s += c;
    }
    return s;
  };
  const granted = new Int32Array(n);
  const positive = exactCounts(Number.MIN_VALUE, granted);
  if (positive < budget) return fillLevels(granted, caps, budget - positive);

  // Bisect ln τ with the closed-form count (monotone in τ, may be off by one unit per problem).
  const logL = new Float64Array(n);
  const log1m = new Float64Array(n);
  for (let x = 0; x < n; x++) {
    const l = lambdas[x] as number;
    logL[x] = l > 0 && l < 1 ? Math.log(l) : Number.NEGATIVE_INFINITY; // no positive-gain unit
    log1m[x] = Math.log1p(-l);
  }
  const estimate = (lnTau: number) => {
    let s = 0;
    for (let x = 0; x < n; x++) {
      const d = lnTau - (logL[x] as number);
      if (d > 0) continue;
      const c = Math.floor(d / (log1m[x] as number)) + 1;
      s += Math.min(c, caps[x] as number);
    }
    return s;
  };
  let lo = Math.log(Number.MIN_VALUE);
  let hi = 0;
  for (let it = 0; it < 200 && hi - lo > 1e-13 * Math.max(1, Math.abs(lo)); it++) {
    const mid = (lo + hi) / 2;
    if (estimate(mid) >= budget) lo = mid;
    else hi = mid;
  }
  // Exact bracket: fewer than B units at or above tHi, at least B at or above tLo.
  const above = new Int32Array(n);
  const atLeast = new Int32Array(n);
  let tLo = Math.exp(lo);
  let tHi = Math.exp(hi);
  for (let widen = 1e-12; exactCounts(tLo, atLeast) < budget; widen *= 16) {
    tLo = Math.max(Number.MIN_VALUE, Math.exp(lo) * (1 - widen));
  }
  for (let widen = 1e-12; exactCounts(tHi, above) >= budget; widen *= 16) tHi = Math.exp(hi) * (1 + widen);
  let need = budget - sumOf(above);
  // Units between the brackets, sorted by the tie rule; take the first `need`.
  const cx: number[] = [];
  const cb: number[] = [];
  const cg: number[] = [];
  for (let x = 0; x < n; x++) {
    for (let b = above[x] as number; b < (atLeast[x] as number); b++) {
      cx.push(x);
      cb.push(b);
      cg.push(marginalGain(lambdas[x] as number, b));
    }
  }
  const order = Array.from(cx.keys()).sort((i, j) => {
    const gi = cg[i] as number;
    const gj = cg[j] as number;
    if (gi !== gj) return gj - gi;
    const bi = cb[i] as number;
    const bj = cb[j] as number;
    return bi !== bj ? bi - bj : (cx[i] as number) - (cx[j] as number);
  });
  for (const i of order) {
    if (need-- <= 0) break;
    const x = cx[i] as number;
    above[x] = (above[x] as number) + 1;
  }
  return above;
}

/** Hand out `left` tied units on top of `base`, up to the caps, by (tests so far, problem index). */
function fillLevels(base: Int32Array, caps: Int32Array, left: number): Int32Array {
  const n = base.length;
  const below = (level: number) => {
    let s = 0;
    for (let x = 0; x < n; x++) {
      const t = Math.min(caps[x] as number, level) - (base[x] as number);
      if (t > 0) s += t;
    }
    return s;
  };
  let lv = 0;
  let hv = 1;
  for (let x = 0; x < n; x++) hv = Math.max(hv, (caps[x] as number) + 1);
  while (hv - lv > 1) {
    const mid = Math.floor((lv + hv) / 2);
    if (below(mid) <= left) lv = mid;
    else hv = mid;
  }
  left -= below(lv);
  const alloc = new Int32Array(n);
  for (let x = 0; x < n; x++) {
    const a = base[x] as number;
    const top = caps[x] as number;
    let b = Math.max(a, Math.min(top, lv));
    if (left > 0 && a <= lv && lv < top) {
      b++;
      left--;
    }
    alloc[x] = b;
  }
  return alloc;
}
