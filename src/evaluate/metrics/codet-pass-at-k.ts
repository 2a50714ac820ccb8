import type { Ranking } from "../../select/types.js";
import { passAtK } from "./pass-at-k.js";

/**
 * CodeT's pass@k over a ranking (its `get_result_of_sorted_solutions`): solutions with a positive score
 * form groups of equal score, best first; with at least k groups, one pick is made from each of the top
 * k; with fewer, the extra picks go round-robin from the top group. Each pick is uniform within its group
 * (with replacement), so pass@k = 1 − ∏ (share wrong in group)^(picks). When no solution scores above 0
 * (nobody passed a test) CodeT falls back to the unbiased random pass@k over the considered solutions
 * (k capped at their number).
 * Meant for `codet` / `codet-product` rankings; at k = 1 it equals `credit`.
 */
export function codetPassAtK(
  ranking: Pick<Ranking, "order" | "scores" | "solutions">,
  correct: ReadonlyArray<boolean>,
  k: number,
): number {
  const sizes: number[] = [];
  const right: number[] = [];
  let last = Number.NaN;
  for (const id of ranking.order) {
    const s = ranking.scores[id]!;
    if (!(s > 0)) break; // the order is by descending score
    if (s !== last) {
      sizes.push(0);
      right.push(0);
      last = s;
    }
    sizes[sizes.length - 1]!++;
    if (correct[id] === true) right[right.length - 1]!++;
  }
  if (sizes.length === 0) {
    let c = 0;
    for (const id of ranking.solutions) if (correct[id] === true) c++;
    const n = ranking.solutions.length;
    // With fewer than k samples every one is picked (CodeT's estimator would say 1 even with none right).
    return n === 0 ? 0 : passAtK(n, c, Math.min(k, n));
  }
  return groupsPassAtK(
    sizes.map((size, g) => ({ size, right: right[g]! })),
    k,
  );
}

/**
 * CodeT's pick rule over ranked groups (best first, equal scores already merged): with at least k groups
 * one uniform pick from each of the top k, otherwise the extra picks round-robin from the top; pass@k is
 * 1 − ∏ (share wrong in group)^(picks). Shared by `codetPassAtK` (a Ranking) and the text-level CodeT
 * reproduction in `evaluate/labels/codet.ts`.
 */
export function groupsPassAtK(groups: ReadonlyArray<{ size: number; right: number }>, k: number): number {
  const n = Math.min(k, groups.length);
  const picks = new Array<number>(n).fill(1);
  for (let extra = 0; extra < k - n; extra++) picks[extra % n]!++;
  let allWrong = 1;
  for (let g = 0; g < n; g++) allWrong *= (1 - passAtK(groups[g]!.size, groups[g]!.right, 1)) ** picks[g]!;
  return 1 - allWrong;
}
