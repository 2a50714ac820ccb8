/**
 * pass@k (Chen et al. 2021, unbiased estimator) and the "vanilla" no-reward-model baseline.
 */
import { CodermError } from "../../errors.js";

/**
 * Unbiased pass@k for one problem with n samples of which c are correct: 1 − C(n−c, k) / C(n, k),
 * computed as 1 − ∏_{i=n−c+1}^{n} (1 − k/i), which never forms the huge binomials.
 */
export function passAtK(n: number, c: number, k: number): number {
  if (
    !Number.isInteger(n) ||
    !Number.isInteger(c) ||
    !Number.isInteger(k) ||
    n < 0 ||
    c < 0 ||
    c > n ||
    k < 1
  ) {
    throw new CodermError(
      "E_BAD_INPUT",
      `pass@k needs integers 0 ≤ c ≤ n and k ≥ 1, got n=${n} c=${c} k=${k}`,
    );
  }
  if (k > n) throw new CodermError("E_BAD_INPUT", `pass@${k} needs at least ${k} samples, got ${n}`);
  if (n - c < k) return 1;
  let allWrong = 1;
  for (let i = n - c + 1; i <= n; i++) allWrong *= 1 - k / i;
  return 1 - allWrong;
}

/**
 * CodeT's own `_estimate_pass_at_k` (human-eval's), kept beside `passAtK` because the two differ where CodeT
 * must be reproduced to the digit: it answers 1 whenever n − c < k, even with k > n and nothing correct
 * (`passAtK` refuses k > n), and it never validates its arguments.
 */
export function codetEstimatePassAtK(n: number, c: number, k: number): number {
  if (n - c < k) return 1;
  let allWrong = 1;
  for (let i = n - c + 1; i <= n; i++) allWrong *= 1 - k / i;
  return 1 - allWrong;
}

/** Correctness labels per problem: a map by task id, or plain arrays. */
export type LabelSets = ReadonlyMap<string, ReadonlyArray<boolean>> | ReadonlyArray<ReadonlyArray<boolean>>;

function labelLists(labels: LabelSets): ReadonlyArray<ReadonlyArray<boolean>> {
  return Array.isArray(labels)
    ? labels
    : [...(labels as ReadonlyMap<string, ReadonlyArray<boolean>>).values()];
}

/** Mean pass@k over problems (every problem needs at least k samples). Zero problems give NaN. */
export function meanPassAtK(labels: LabelSets, k: number): number {
  const lists = labelLists(labels);
  let sum = 0;
  for (const l of lists) sum += passAtK(l.length, countTrue(l), k);
  return lists.length === 0 ? Number.NaN : sum / lists.length;
}

/**
 * Vanilla (no reward model): expected accuracy of one random sample = mean over problems of
 * correct / samples. A problem with no samples scores 0 (nothing to pick is a failure), and zero
 * problems give NaN.
 */
export function vanilla(labels: LabelSets): number {
  const lists = labelLists(labels);
  let sum = 0;
  for (const l of lists) sum += l.length === 0 ? 0 : countTrue(l) / l.length;
  return lists.length === 0 ? Number.NaN : sum / lists.length;
}

function countTrue(l: ReadonlyArray<boolean>): number {
  let c = 0;
  for (const v of l) if (v === true) c++;
  return c;
}
