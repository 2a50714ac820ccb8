/** The online allocator's vocabulary: stop rules, priorities, the problem and view types, options. */
import type { PassMatrix } from "../matrix/pass-matrix.js";

export const STOP_RULES = ["none", "certain", "leader", "confident"] as const;
export const PRIORITIES = ["gain", "instability"] as const;
/**
 * Which undecided problem gets the next test. `gain`: the paper's λ̂(1−λ̂)^b. `instability`: the
 * estimated chance that one more test changes the chosen set, (changes + 1) / (tests + 2), counting
 * the tests so far after which the chosen set changed (Laplace's rule of succession).
 */
export type Priority = (typeof PRIORITIES)[number];
export type StopRule = (typeof STOP_RULES)[number];
export type StopReason = "certain" | "leader" | "confident" | "cap";

export interface OnlineProblem {
  taskId: string;
  solutions: number;
  /** Most tests this problem may get (how many exist, or a per-problem limit). */
  maxTests: number;
  /** Prior difficulty, used to order the first round when the pool cannot cover it; default 0.5. */
  lambda?: number;
  /** Program id per solution: equal ids are the same program and always share results. */
  programs?: ArrayLike<number>;
}

/** What a difficulty estimator sees: the results observed so far (`tests` columns of `matrix`). */
export interface OnlineView {
  taskId: string;
  matrix: PassMatrix;
  tests: number;
  mask: Uint32Array;
}

export interface OnlineOptions {
  /** Total tests across problems. */
  budget: number;
  rule?: StopRule;
  /** For `confident`: probability that the chosen set is final (default 0.95). */
  confidence?: number;
  /** Tests per problem in the first round (default 1). */
  firstRound?: number;
  /** Later rounds hand out max(#active, ⌈growth × spent⌉) tests (default 0.5): few rounds, still adaptive. */
  growth?: number;
  /** Default `gain`. */
  priority?: Priority;
  /** λ̂ from what was observed, for the marginal-gain priority; default: the pass rate of observed cells. */
  difficulty?: (view: OnlineView) => number;
}

export interface OnlineRequest {
  taskId: string;
  /** How many new tests to generate and run against every solution. */
  tests: number;
}

export interface OnlineStatus {
  taskId: string;
  /** Tests observed. */
  tests: number;
  /** Tests requested but not yet observed. */
  pending: number;
  stopped: StopReason | null;
  /** coderm-vote's chosen set on the observed tests (ascending solution ids). */
  chosen: number[];
}

/** Observed pass rate: the default λ̂ (uncalibrated; give `difficulty` a calibrated map for better priority). */
export function observedPassRate(view: OnlineView): number {
  const { matrix, tests } = view;
  if (tests === 0 || matrix.solutions === 0) return 0.5;
  let s = 0;
  for (let i = 0; i < matrix.solutions; i++) s += matrix.passCount(i, view.mask);
  return s / (matrix.solutions * tests);
}
