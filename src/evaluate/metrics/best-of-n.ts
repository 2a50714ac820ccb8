/**
 * Best-of-n accuracy by bootstrap, the number in every table of the paper. One draw per problem picks n
 * solutions and m tests, runs a strategy on that sub-matrix and scores the chosen set by `credit`; a
 * sample averages draws over problems; the result averages samples. Draws reuse one scratch buffer and
 * per-problem id permutations, so a 100-sample run over 164 × 100 × 100 matrices allocates almost nothing.
 * Randomness comes from one xoshiro128** stream (`Rng`, src/util/rng.ts) seeded by `seed`: the same
 * seed and inputs give the same result, but not the reference's Python draws (parity tests feed both
 * sides the same orders through `testOrder`).
 */
import { CodermError } from "../../errors.js";
import { PassMatrix } from "../../matrix/pass-matrix.js";
import { chooseInto, loadRows, Scratch } from "../../select/kernel.js";
import { isStrategyName, type StrategyName } from "../../select/types.js";
import { Rng } from "../../util/rng.js";

export type BestOfNProtocol = "reference" | "random";

export interface BestOfNOptions {
  matrices: ReadonlyMap<string, PassMatrix>;
  /** Correctness per solution id; its keys are the problems averaged over (a missing matrix = no results). */
  labels: ReadonlyMap<string, ReadonlyArray<boolean>>;
  /** Solutions per draw. */
  n: number;
  /** Unit tests per draw. */
  m: number;
  /** Bootstrap repetitions (the reference's `sample_num`). */
  samples: number;
  seed?: number | string;
  strategy?: StrategyName;
  /**
   * "reference" (default): per problem shuffle the test ids and take the first m; solutions 0..n-1 in
   * order (ids past the matrix have no results, so they fail every test).
   * "random": a uniform n-subset of the N solution rows and m-subset of the M tests (n, m capped at N, M;
   * a problem without a matrix has N = its label count and no results).
   */
  protocol?: BestOfNProtocol;
  /**
   * Reference protocol only: size of the test-id pool shuffled per problem. The reference shuffles ids
   * 0..99 whatever a problem holds, so a problem with fewer tests gets fewer real ones; pass 100 to
   * replicate that. Default: the problem's own test count.
   */
  testPool?: number;
  /**
   * Reference protocol only: supply the shuffled test ids of (problem, sample) instead of drawing them
   * (the first m are used). Lets parity tests feed the reference the very same orders.
   */
  testOrder?: (taskId: string, sample: number) => ArrayLike<number>;
  onProgress?: (done: number, total: number) => void;
}

export interface BestOfNResult {
  strategy: StrategyName;
  protocol: BestOfNProtocol;
  n: number;
  m: number;
  samples: number;
  /** Mean over samples of the mean credit over problems. */
  mean: number;
  /** Per-sample mean credit over problems (the reference rounds these to 4 digits; we do not). */
  sampleMeans: Float64Array;
  /** Per-problem credit averaged over samples, in `labels` order. */
  problemCredits: Map<string, number>;
}

const EMPTY = new PassMatrix(0, 0);

// Long: the per-N loop shares its resampling state (rng, buffers, running sums); split, it would pass them all around.
export function bestOfN(opts: BestOfNOptions): BestOfNResult {
  const strategy = opts.strategy ?? "coderm-vote";
  const protocol = opts.protocol ?? "reference";
  if (!isStrategyName(strategy))
    throw new CodermError("E_BAD_INPUT", `unknown strategy "${strategy}"`, "strategy");
  if (protocol !== "reference" && protocol !== "random") {
    throw new CodermError("E_BAD_INPUT", `unknown protocol "${protocol}"`, "protocol");
  }
  const { n, m, samples } = opts;
  checkCount(n, "n", 1);
  checkCount(m, "m", 0);
  checkCount(samples, "samples", 1);
  if (opts.testPool !== undefined) checkCount(opts.testPool, "testPool", 0);
  for (const taskId of opts.matrices.keys()) {
    if (!opts.labels.has(taskId)) {
      throw new CodermError("E_NO_GROUND_TRUTH", "pass matrix has no correctness labels", taskId);
    }
  }

  const rng = new Rng(opts.seed ?? 0);
  const tasks = [...opts.labels.keys()];
  const P = tasks.length;
  const credits = new Float64Array(P * samples);
  const sampleMeans = new Float64Array(samples);
  const scratch = new Scratch();
  const solIds = Int32Array.from({ length: n }, (_, i) => i);
  // Per-problem state resolved once: Map lookups and label arrays stay out of the draw loop. Each
  // problem keeps its own id permutations; reshuffling a permutation in place keeps it one.
  const iota = (size: number) => Int32Array.from({ length: size }, (_, i) => i);
  const mats = tasks.map((t) => opts.matrices.get(t) ?? EMPTY);
  const goods = tasks.map((t) => Uint8Array.from(opts.labels.get(t)!, (v) => (v === true ? 1 : 0)));
  const solPools = tasks.map((t, k) =>
    protocol === "random" ? iota(opts.matrices.has(t) ? mats[k]!.solutions : goods[k]!.length) : solIds,
  );
  const testPools = mats.map((mat) =>
    iota(protocol === "reference" ? (opts.testPool ?? mat.tests) : mat.tests),
  );
  let mask = new Uint32Array(0);

  for (let sample = 0; sample < samples; sample++) {
    let sum = 0;
    for (let t = 0; t < P; t++) {
      const matrix = mats[t]!;
      const good = goods[t]!;
      const W = matrix.wordsPerRow;
      if (mask.length < W) mask = new Uint32Array(W);
      mask.fill(0, 0, W);

      let ids = solIds;
      let nDraw = n;
      let order: ArrayLike<number>;
      let mDraw: number;
      let from = 0;
      let to: number;
      const tests = testPools[t]!;
      if (protocol === "reference") {
        if (opts.testOrder) {
          order = opts.testOrder(tasks[t]!, sample);
          mDraw = Math.min(m, order.length);
          to = mDraw;
        } else {
          mDraw = Math.min(m, tests.length);
          from = drawSubset(rng, tests, mDraw);
          to = from + mDraw;
          order = tests;
        }
      } else {
        // Without a matrix the problem's solutions are its labelled ones, all without results.
        const sols = solPools[t]!;
        nDraw = Math.min(n, sols.length);
        ids = rng.partialShuffle(sols, nDraw);
        mDraw = Math.min(m, tests.length);
        from = drawSubset(rng, tests, mDraw);
        to = from + mDraw;
        order = tests;
      }
      const M = matrix.tests;
      // Every test drawn (the paper's m = M setting): no mask to build.
      const all = order === tests && to - from === tests.length && tests.length >= M;
      if (!all) {
        for (let k = from; k < to; k++) {
          const j = order[k]!;
          if (j < M) mask[j >>> 5] = mask[j >>> 5]! | (1 << (j & 31));
        }
      }

      loadRows(matrix, ids, nDraw, all ? null : mask, scratch);
      const kept = chooseInto(strategy, nDraw, scratch);
      const chosen = scratch.chosen;
      let ok = 0;
      for (let q = 0; q < kept; q++) ok += good[ids[chosen[q]!]!] ?? 0;
      const c = kept === 0 ? 0 : ok / kept;
      credits[t * samples + sample] = c;
      sum += c;
    }
    sampleMeans[sample] = P === 0 ? Number.NaN : sum / P;
    opts.onProgress?.(sample + 1, samples);
  }

  const problemCredits = new Map<string, number>();
  for (let t = 0; t < P; t++) {
    let s = 0;
    for (let k = 0; k < samples; k++) s += credits[t * samples + k]!;
    problemCredits.set(tasks[t]!, s / samples);
  }
  let total = 0;
  for (const v of sampleMeans) total += v;
  return { strategy, protocol, n, m, samples, mean: total / samples, sampleMeans, problemCredits };
}

/**
 * Draw a uniform k-subset of `pool` into the slice [from, from + k) and return `from`: a partial
 * shuffle of k ids, or of the n − k excluded ones when that is shorter (the rest is then the subset).
 * Only the set matters to selection, so taking every id costs nothing.
 */
function drawSubset(rng: Rng, pool: Int32Array, k: number): number {
  const n = pool.length;
  if (2 * k <= n) {
    rng.partialShuffle(pool, k);
    return 0;
  }
  rng.partialShuffle(pool, n - k);
  return n - k;
}

function checkCount(v: number, field: string, min: number): void {
  if (!Number.isInteger(v) || v < min) {
    throw new CodermError("E_BAD_INPUT", `must be an integer ≥ ${min}, got ${v}`, field);
  }
}
