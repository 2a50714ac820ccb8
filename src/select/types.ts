/** Selection strategies by name; `select(name, ...)` dispatches on these. */
export const STRATEGIES = ["coderm-vote", "argmax", "codet", "codet-product", "pass-rate"] as const;
export type StrategyName = (typeof STRATEGIES)[number];

export function isStrategyName(s: string): s is StrategyName {
  return (STRATEGIES as readonly string[]).includes(s);
}

/**
 * The outcome of one selection over one problem's pass matrix. Arrays indexed by solution id have
 * length max(matrix.solutions, largest considered id + 1); ids that were not considered have score NaN.
 */
export interface Ranking {
  strategy: StrategyName;
  /** Number of tests selection looked at (missing results count as fails but still count here). */
  tests: number;
  /** The considered solution ids, in the order they were given. */
  solutions: Int32Array;
  /** Strategy score per solution id (higher is better); NaN when the id was not considered. */
  scores: Float64Array;
  /** Chosen tests passed, per solution id. */
  passed: Int32Array;
  /**
   * Size of each solution's consensus set: how many considered solutions passed exactly the same set
   * of chosen tests (itself included). This is the reference's "consistency" and CodeT's |S_x|.
   */
  consensus: Int32Array;
  /** The chosen set: every solution a uniform pick may return, ascending ids. */
  chosen: number[];
  /** Considered ids best first (ties broken by consensus size where relevant, then by id). */
  order: number[];
}

export interface SelectOptions {
  /**
   * Which solutions compete: a number n takes ids 0..n-1 (the reference protocol; ids past the matrix
   * are solutions with no results, i.e. failing every test), an array gives the ids. Default: all rows.
   */
  solutions?: number | ArrayLike<number>;
  /**
   * Which tests count: a `Uint32Array` is a bitset mask over test ids (as built by `testMask`), any
   * other array lists test ids (ids past the matrix are tests with no results: every solution fails
   * them). Default: every test of the matrix.
   */
  tests?: Uint32Array | ArrayLike<number>;
}
